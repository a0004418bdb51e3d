package io.trueup.reconcile;

import io.trueup.TrueupException;
import io.trueup.desired.AppEnv;
import io.trueup.desired.AppSpec;
import io.trueup.desired.DesiredEntry;
import io.trueup.desired.DesiredState;
import io.trueup.desired.DesiredStateParser;
import io.trueup.desired.HostAddress;
import io.trueup.desired.Policy;
import io.trueup.desired.Problem;
import io.trueup.git.DesiredStateSource;
import io.trueup.git.Snapshot;
import io.trueup.render.ConfigRenderer;
import io.trueup.status.AppStatus;
import io.trueup.status.DesiredStateStatus;
import io.trueup.status.HostStatus;
import io.trueup.status.StatusBoard;
import io.trueup.status.SyncStatus;
import io.trueup.store.LeaseLost;
import io.trueup.store.Leases;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Reconcile cycles over everything: fetch and parse desired state, check each valid
 * app/environment against its app repository, then reconcile every app/environment
 * independently and in parallel, at most one reconcile per app/environment at a time. An
 * invalid app/environment is reported with its problems and reconciled to its last valid
 * desired state, so a bad commit touches no host; the revision of that state is kept in a
 * {@link LastValidStore}, so a restart of trueup does not forget it. Cycles never overlap:
 * {@link #startOnce()} waits for one in progress, whoever started it (the schedule, a webhook's
 * {@link Trigger}, a test); the reconciles they start may outlive them.
 */
public final class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    private final Optional<DesiredStateSource> source;
    private final EntryCheck check;
    private final LastValid kept;
    private final AppReconciler apps;
    private final StatusBoard board;
    private final Clock clock;
    private final String defaultUser;
    private final ReconcileObserver observer;
    private final Undeploys undeploys;
    private final DesiredStateParser parser;
    private final PollErrors pollErrors;
    /** The newest desired state parsed: a poll that finds the same revision does not parse it again. */
    private Optional<Fetched> parsed = Optional.empty();
    private final Map<AppEnv, AppSpec> lastValid = new ConcurrentHashMap<>();
    private final Map<AppEnv, String> revisionOf = new ConcurrentHashMap<>();
    private final Set<AppEnv> inFlight = ConcurrentHashMap.newKeySet();
    /** App/environments whose newest desired state was invalid at the last fetch: told of once. */
    private final Set<AppEnv> invalidBefore = ConcurrentHashMap.newKeySet();
    /** Apps a cycle found in flight: reconciled again, with their newest valid state, when that ends. */
    private final Set<AppEnv> again = ConcurrentHashMap.newKeySet();
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    /** Wakes rollouts that wait between batches: no thread sleeps through the wait. */
    private final ScheduledExecutorService alarms = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("trueup-rollout-alarms").factory());

    private final Leases leases;
    private final Duration leaseTtl;
    /** How soon a replica that could not catch up with desired state tries the app/environment again. */
    private final Duration retryBehind = Duration.ofSeconds(5);
    /** Set when trueup runs as one of several replicas: reconciles are then started through them. */
    private volatile Optional<Replicas> replicas = Optional.empty();

    /**
     * Renders each valid app/environment's config with {@code renderer}, at every cycle (a rotated
     * secret is seen at the next one), keeps in {@code lastValid} the revision where each was last
     * valid, and tells {@code observer} of every fetch and every reconcile. Hands the hosts that
     * leave desired state to {@code undeploys}, and undeploys them when they are due and their
     * app/environment is not being reconciled. Desired state outside {@code policy} is invalid,
     * the newest and a last valid one kept from before a restart alike.
     */
    public Reconciler(Optional<DesiredStateSource> source, SourceCheck sourceCheck, ConfigRenderer renderer,
            AppReconciler apps, StatusBoard board, Clock clock, String defaultUser, ReconcileObserver observer,
            LastValidStore lastValid, Undeploys undeploys, Policy policy, Leases leases, Duration leaseTtl) {
        this.leases = leases;
        this.leaseTtl = leaseTtl;
        this.parser = new DesiredStateParser(policy);
        this.observer = observer;
        this.pollErrors = new PollErrors(observer);
        this.undeploys = undeploys;
        this.source = source;
        this.check = new EntryCheck(sourceCheck, renderer);
        this.kept = new LastValid(lastValid, check, parser, defaultUser);
        this.apps = apps;
        this.board = board;
        this.clock = clock;
        this.defaultUser = defaultUser;
        try {
            parser.parse("", Map.of(), defaultUser);
        } catch (IllegalArgumentException e) {
            throw new TrueupException("trueup.ssh.user: " + e.getMessage(), e);
        }
    }

    /** A parsed desired state and the files it came from, for locating later problems. */
    private record Fetched(DesiredState state, Map<String, byte[]> files) {
    }

    /**
     * Makes this one of several replicas: from now on reconciles start through {@code replicas}
     * (on whichever replica their shared scheduler picks), not on this one's threads.
     */
    public void distribute(Replicas replicas) {
        this.replicas = Optional.of(replicas);
    }

    /**
     * Keeps a schedule for each app/environment in desired state or with hosts pending undeploy,
     * and fires them all when this cycle found desired state newer than any replica had: a deploy
     * starts now, wherever it runs, not at its next scheduled reconcile.
     */
    private void dispatch(Replicas to, Optional<String> revision, Optional<String> sharedBefore) {
        Set<AppEnv> ids = undeploys.shown(lastValid.keySet());
        to.schedule(ids, revision.isPresent() && revision.equals(board.desired().revision()));
        if (revision.isPresent() && !revision.equals(sharedBefore)) {
            ids.forEach(to::fire);
        }
    }

    /**
     * Reconciles {@code id} on this replica, for the scheduler the replicas share (never two at once
     * for one app/environment). First catches up with desired state when another replica fetched a
     * newer revision than this one parsed; one that cannot acts on nothing, and tries again a few
     * seconds later. Then, holding the app/environment's lease (renewed every third of
     * {@code trueup.cluster.lease-ttl} while it works, given up at the end), undeploys what is due
     * and reconciles. When another replica still holds the lease (it was taken to be gone, but its
     * lease has not run out), reconciles again when the lease ends instead; when this replica runs
     * it already (Quartz ran the job twice here), leaves that run alone.
     */
    public void reconcileHere(AppEnv id) {
        if (!catchUp()) {
            // Acting on an older desired state than another replica fetched would undo its deploy.
            LOG.warnf("%s: this replica could not fetch the desired state another replica has (%s); trying"
                    + " again in %s", id, board.desired().revision().orElse("?"), retryBehind);
            replicas.ifPresent(r -> r.fireAt(id, clock.instant().plus(retryBehind)));
            return;
        }
        if (!inFlight.add(id)) {
            // Quartz ran it twice here (a recovery of this replica, taken to be gone while it was
            // busy): the reconcile running goes on, with its lease.
            LOG.debugf("%s: already being reconciled on this replica", id);
            return;
        }
        try {
            if (!leases.hold(id, leaseTtl)) {
                Optional<Leases.Lease> holder = leases.holder(id);
                LOG.infof("%s: %s; reconciling it when that ends", id, holder.map(h -> "replica " + h.owner()
                        + " holds its lease until " + h.expires()).orElse("its lease was just given up"));
                replicas.ifPresent(r -> r.fireAt(id, holder.map(Leases.Lease::expires).orElse(clock.instant())));
                return;
            }
            long every = Math.max(1, leaseTtl.toMillis() / 3);
            AtomicBoolean renewing = new AtomicBoolean();
            // Each renewal on a thread of its own: one slow call to the database holds up no other
            // lease. A platform thread: virtual threads busy computing (the pushes' packs) hold their
            // carriers, and a renewal waiting behind them would let the lease run out mid-rollout.
            ScheduledFuture<?> renewal = alarms.scheduleAtFixedRate(() -> {
                if (renewing.compareAndSet(false, true)) {
                    Thread.ofPlatform().daemon().name("trueup-lease-" + id).start(() -> {
                        try {
                            renew(id);
                        } finally {
                            renewing.set(false);
                        }
                    });
                }
            }, every, every, TimeUnit.MILLISECONDS);
            try {
                if (undeploys.due().contains(id)) {
                    undeploys.run(id);
                }
                AppSpec spec = lastValid.get(id);
                if (spec != null) {
                    reconcileSpec(spec, board.app(id).map(AppStatus::problems).orElse(List.of()));
                }
            } finally {
                renewal.cancel(false);
                try {
                    leases.release(id);
                } catch (RuntimeException e) {
                    LOG.warnf("%s: cannot give up the lease (%s): it runs out by itself", id, e.getMessage());
                }
            }
        } finally {
            inFlight.remove(id);
        }
    }

    /** Renews the lease of {@code id} while this replica works on it; says so when it cannot. */
    private void renew(AppEnv id) {
        try {
            if (!leases.renew(id, leaseTtl)) {
                LOG.warnf("%s: the lease ran out or another replica took it over: this one takes no further step",
                        id);
            }
        } catch (RuntimeException e) {
            LOG.warnf("%s: cannot renew the lease (%s): no further step is saved, or taken, until it is", id,
                    e.getMessage());
        }
    }

    /**
     * Fetches desired state when another replica saw a newer revision than this one's newest.
     * Returns whether this replica now has the revision the replicas share (or none is shared yet).
     */
    private boolean catchUp() {
        if (!current()) {
            startOnce();
        }
        return current();
    }

    /** Whether this replica parsed the newest revision any replica fetched. */
    private boolean current() {
        Optional<String> shared = board.desired().revision();
        Optional<String> mine = parsed.map(p -> p.state().revision());
        return mine.isPresent() && (shared.isEmpty() || shared.equals(mine));
    }

    /** Runs a whole cycle and waits until every app/environment it started is reconciled. */
    public void runOnce() {
        startOnce().forEach(Reconciler::await);
    }

    /**
     * Fetches desired state and starts reconciling every app/environment that is not being
     * reconciled already, each on its own thread, without waiting: a long rollout of one app
     * holds up neither the next fetch nor the other apps. One that is being reconciled is
     * reconciled again, with its newest valid state, as soon as that ends. Returns what it
     * started. One cycle at a time: a call waits while another runs.
     */
    public synchronized List<Future<?>> startOnce() {
        Map<AppEnv, List<Problem>> invalid = new HashMap<>();
        Optional<String> sharedBefore = board.desired().revision();
        Instant start = clock.instant();
        Optional<Fetched> fetched = refresh();
        Duration took = Duration.between(start, clock.instant());
        try {
            fetched.ifPresent(f -> validate(f, invalid));
            // Only a poll that also validated ends an error: one that keeps failing in validate is logged once.
            fetched.ifPresent(f -> pollErrors.succeeded());
        } catch (RuntimeException e) {
            failDesired(pollErrors.failed(e));
            fetched = Optional.empty();
        }
        if (source.isPresent()) {
            observer.fetched(took, fetched.isPresent());
        }
        if (replicas.isPresent()) {
            dispatch(replicas.get(), fetched.map(f -> f.state().revision()), sharedBefore);
            return List.of();
        }
        List<Future<?>> started = new ArrayList<>();
        // Undeploys first: a reconcile of the same app/environment waits for its undeploy, not the reverse.
        undeploys.due().forEach(id -> undeployNow(id, false).ifPresent(started::add));
        for (AppSpec spec : lastValid.values()) {
            if (inFlight.add(spec.id())) {
                List<Problem> problems = invalid.getOrDefault(spec.id(), List.of());
                started.add(workers.submit(() -> reconcileOne(spec, problems)));
            } else {
                // A rollout of an older state runs: this state (a webhook's change) is reconciled
                // right after it, not at the next poll.
                reconcileAgain(spec.id(), started);
            }
        }
        return started;
    }

    /**
     * Starts reconciling {@code id} now, with its last valid desired state, unless it is being
     * reconciled already. Returns the task, or empty when nothing was started.
     */
    public Optional<Future<?>> reconcileNow(AppEnv id) {
        if (!lastValid.containsKey(id) || !inFlight.add(id)) {
            return Optional.empty();
        }
        AppSpec spec = lastValid.get(id); // read once the slot is ours: the newest valid state
        if (spec == null) {
            inFlight.remove(id);
            return Optional.empty();
        }
        List<Problem> problems = board.app(id).map(AppStatus::problems).orElse(List.of());
        return Optional.of(workers.submit(() -> reconcileOne(spec, problems)));
    }

    /**
     * Has {@code id} reconciled soon, for an operator's action: now when it is not being
     * reconciled, else right after the reconcile running ends (which may have read the control
     * state before the action).
     */
    public void reconcileSoon(AppEnv id) {
        if (replicas.isPresent()) {
            replicas.get().fire(id);
            return;
        }
        if (reconcileNow(id).isEmpty() && lastValid.containsKey(id)) {
            reconcileAgain(id, new ArrayList<>());
        }
    }

    /**
     * Has {@code id} reconciled again with its newest valid state: now when it is not in flight,
     * else by whichever reconcile of it ends next. Whoever finds the mark after a reconcile
     * ended and cannot start one (another took the slot meanwhile) puts the mark back, so a
     * change is never left waiting for the next poll.
     */
    private void reconcileAgain(AppEnv id, List<Future<?>> started) {
        again.add(id);
        for (int tries = 0; tries < 3 && !inFlight.contains(id) && again.remove(id); tries++) {
            if (!lastValid.containsKey(id)) {
                return; // removed from desired state meanwhile
            }
            Optional<Future<?>> task = reconcileNow(id);
            if (task.isPresent()) {
                started.add(task.get());
                return;
            }
            again.add(id); // taken meanwhile: the mark is for the reconcile that took it
        }
    }

    /**
     * Reconciles {@code id} again at {@code at}: the end of its rollout's wait between batches. A
     * reconcile of it running then decides afresh, and asks again if the wait is not over.
     */
    private void wakeAt(AppEnv id, Instant at) {
        if (replicas.isPresent()) {
            replicas.get().fireAt(id, at);
            return;
        }
        long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        alarms.schedule(() -> reconcileSoon(id), delay, TimeUnit.MILLISECONDS);
    }

    /**
     * Has the hosts of {@code id} pending undeploy undeployed: starts that now unless {@code id} is
     * being reconciled, else it happens at the next cycle. With {@code approve}, an operator asked
     * for it (else they are due by themselves). Returns the task, or empty when nothing was started.
     */
    public Optional<Future<?>> undeployNow(AppEnv id, boolean approve) {
        if (replicas.isPresent()) {
            if (approve && undeploys.approve(id) == 0) {
                return Optional.empty();
            }
            replicas.get().fire(id); // the replica that runs it undeploys first
            return Optional.of(CompletableFuture.completedFuture(null));
        }
        if (approve && undeploys.approve(id) == 0 || !inFlight.add(id)) {
            return Optional.empty();
        }
        return Optional.of(workers.submit(() -> {
            try {
                undeploys.run(id);
            } finally {
                inFlight.remove(id);
                if (again.remove(id)) {
                    reconcileAgain(id, new ArrayList<>());
                }
            }
        }));
    }

    /** The hosts of {@code id} that left desired state and are not undeployed yet. */
    public List<HostAddress> pendingUndeploys(AppEnv id) {
        return undeploys.of(id);
    }

    /** Whether desired state has a valid spec for {@code id}, now or before. */
    public boolean knows(AppEnv id) {
        return lastValid.containsKey(id);
    }

    private static void await(Future<?> task) {
        try {
            task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.error("reconcile task failed", e.getCause());
        }
    }

    /** Reconciles {@code spec} in the slot taken for it in {@link #inFlight}, and frees the slot. */
    private void reconcileOne(AppSpec spec, List<Problem> problems) {
        try {
            reconcileSpec(spec, problems);
        } finally {
            inFlight.remove(spec.id());
            if (again.remove(spec.id())) {
                reconcileAgain(spec.id(), new ArrayList<>());
            }
        }
    }

    /** Reconciles {@code spec}, its rollout included; any failure is shown on the board, none thrown. */
    private void reconcileSpec(AppSpec spec, List<Problem> problems) {
        Instant start = clock.instant();
        try {
            apps.reconcile(spec, revisionOf.getOrDefault(spec.id(), ""), problems,
                    () -> lastValid.get(spec.id())).ifPresent(at -> wakeAt(spec.id(), at));
        } catch (RuntimeException e) {
            Optional<LeaseLost> lost = leaseLost(e);
            if (lost.isPresent()) {
                // Another replica holds the app/environment now, and shows its status: this one only stops.
                LOG.warnf("%s: %s; this replica stops, the one that holds the lease goes on", spec.id(),
                        lost.get().getMessage());
                return;
            }
            LOG.errorf(e, "%s: reconcile failed", spec.id());
            List<HostStatus> hosts = board.app(spec.id()).map(AppStatus::hosts)
                    .orElseGet(() -> spec.hosts().stream().map(HostStatus::unknown).toList());
            board.put(new AppStatus(spec.id(), Optional.of(spec.sha().hex()), SyncStatus.Degraded,
                    Optional.of("reconcile failed: " + e), problems, hosts, false, clock.instant()));
        } finally {
            undeploys.show(spec.id()); // the reconcile rewrote its status
            observer.reconciled(spec.id(), Duration.between(start, clock.instant()));
        }
    }

    /** The lost lease that {@code e} is, or was caused by (a host's deploy on a worker thread), if any. */
    private static Optional<LeaseLost> leaseLost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof LeaseLost lost) {
                return Optional.of(lost);
            }
        }
        return Optional.empty();
    }

    /**
     * Fetches and parses desired state; empty (and the error on the board) when that fails, for
     * any reason: a poll never throws. A revision is parsed once, however many polls find it.
     */
    private Optional<Fetched> refresh() {
        Instant start = clock.instant();
        if (source.isEmpty()) {
            failDesired("no desired-state repository configured: set trueup.desired-state.url"
                    + " (or trueup.demo.enabled=true for the embedded demo)");
            return Optional.empty();
        }
        try {
            Snapshot snapshot = source.get().fetch();
            Fetched fetched = parsed.filter(p -> p.state().revision().equals(snapshot.revision()))
                    .orElseGet(() -> new Fetched(parser.parse(snapshot.revision(), snapshot.files(),
                            snapshot.refused(), defaultUser), snapshot.files()));
            parsed = Optional.of(fetched);
            snapshot.untrusted().ifPresent(pollErrors::untrusted);
            // With replicas, a fetch that began before the one shown keeps that one: a replica whose
            // fetch raced a push never shows, nor has the others act on, the older revision.
            board.updateDesired(d -> d.fetchedAt().filter(shown -> replicas.isPresent() && shown.isAfter(start))
                    .isPresent() ? d : new DesiredStateStatus(d.url(), d.branch(), Optional.of(snapshot.revision()),
                            Optional.of(start), snapshot.untrusted(), fetched.state().problems()));
            return Optional.of(fetched);
        } catch (RuntimeException e) {
            failDesired(pollErrors.failed(e));
            return Optional.empty();
        }
    }

    private void failDesired(String error) {
        board.updateDesired(d -> new DesiredStateStatus(d.url(), d.branch(), d.revision(), d.fetchedAt(),
                Optional.of(error), d.problems()));
    }

    /**
     * Updates {@link #lastValid} from {@code state}, and its revisions in the store; collects the
     * problems of invalid entries.
     */
    private void validate(Fetched fetched, Map<AppEnv, List<Problem>> invalid) {
        DesiredState state = fetched.state();
        Map<AppEnv, AppSpec> before = Map.copyOf(lastValid);
        lastValid.keySet().retainAll(state.entries().keySet());
        revisionOf.keySet().retainAll(state.entries().keySet());
        for (DesiredEntry entry : state.entries().values()) {
            switch (check.check(entry, fetched.files())) {
                case DesiredEntry.Valid valid -> {
                    lastValid.put(entry.id(), valid.spec());
                    revisionOf.put(entry.id(), state.revision());
                }
                case DesiredEntry.Invalid bad -> invalid.put(entry.id(), bad.problems());
            }
        }
        List<AppEnv> forgotten = invalid.keySet().stream().filter(id -> !lastValid.containsKey(id)).toList();
        kept.recall(source.orElseThrow(), forgotten).forEach((id, recalled) -> restore(id, recalled, invalid.get(id)));
        noticeInvalid(state.revision(), invalid);
        // With replicas, another may have seen a newer revision (with app/environments this one
        // lacks, or without hosts this one has): only the newest view writes what the replicas share
        // of it (last valid revisions, removals), and forgets.
        if (replicas.isPresent() && !board.desired().revision().equals(Optional.of(state.revision()))) {
            return;
        }
        kept.keep(state.entries().keySet(), revisionOf);
        undeploys.track(before, Map.copyOf(lastValid), state.entries().keySet(), state.revision());
        // What is pending undeploy stays shown, and keeps its pause, until it is undeployed.
        Set<AppEnv> shown = undeploys.shown(state.entries().keySet());
        Set<AppEnv> kept = new HashSet<>(shown);
        kept.addAll(inFlight); // a rollout running ends itself as superseded, and is forgotten after
        if (replicas.isPresent()) {
            // Nor what another replica runs, under its lease, as it ends as superseded.
            before.keySet().stream().filter(id -> !kept.contains(id) && leases.holder(id).isPresent())
                    .forEach(kept::add);
        }
        apps.retain(kept);
        board.retain(shown);
    }

    /** Tells of each app/environment that turned invalid since the last fetch (not again while it stays so). */
    private void noticeInvalid(String revision, Map<AppEnv, List<Problem>> invalid) {
        invalid.forEach((id, problems) -> {
            if (!invalidBefore.contains(id)) {
                observer.notice(Notices.invalid(id, Optional.ofNullable(lastValid.get(id)), revision,
                        problems.get(0)));
            }
        });
        invalidBefore.clear();
        invalidBefore.addAll(invalid.keySet());
    }

    /** Reconciles {@code id} at its last valid state kept from before a restart, or shows it Invalid. */
    private void restore(AppEnv id, LastValid.Recalled recalled, List<Problem> problems) {
        switch (recalled) {
            case LastValid.Recalled.Restored restored -> {
                lastValid.put(id, restored.spec());
                revisionOf.put(id, restored.revision());
            }
            // On a line of its own: a long first problem must not cut it off (ErrorText caps each line).
            case LastValid.Recalled.Unavailable unavailable -> showInvalid(id, problems, "\n" + unavailable.reason());
            case LastValid.Recalled.Unknown unknown -> showInvalid(id, problems, "");
        }
    }

    /** {@code id} is Invalid, with no valid state to reconcile: its first problem, then {@code more}. */
    private void showInvalid(AppEnv id, List<Problem> problems, String more) {
        board.put(new AppStatus(id, Optional.empty(), SyncStatus.Invalid, Optional.of(problems.get(0) + more),
                problems, board.app(id).map(AppStatus::hosts).orElse(List.<HostStatus>of()), false, clock.instant()));
    }
}
