package io.trueup.reconcile;

import io.trueup.desired.AppEnv;
import io.trueup.desired.AppSpec;
import io.trueup.desired.HostAddress;
import io.trueup.desired.Problem;
import io.trueup.observe.Inspection;
import io.trueup.observe.Inspector;
import io.trueup.plan.HostPlan;
import io.trueup.plan.Plan;
import io.trueup.plan.Planner;
import io.trueup.rollout.HealthChecker;
import io.trueup.rollout.HostOutcome;
import io.trueup.rollout.Phase;
import io.trueup.rollout.RolloutDecider;
import io.trueup.rollout.RolloutEngine;
import io.trueup.rollout.RolloutRecord;
import io.trueup.rollout.RolloutStep;
import io.trueup.rollout.RolloutStore;
import io.trueup.rollout.RolloutListener;
import io.trueup.status.AppStatus;
import io.trueup.status.HostStatus;
import io.trueup.status.StatusBoard;
import io.trueup.status.SyncStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Reconciles one app/environment at a time: inspects its hosts (or, for a host that desired
 * state has moved to another release since the last poll, recalls that poll's inspection, which
 * the deploy verifies), plans, rolls out, keeps what the hosts it rolled out to hold after it (as
 * each deploy's last command says, or inspects them), and keeps the status board true
 * throughout. A rollout that fails on a host's step (not the network) halts: it is not retried
 * for the same SHA and requirements until desired state changes or an operator asks for a
 * retry. A paused app/environment, or one with {@code selfHeal: false}
 * whose spec was rolled out already, is inspected and reported but not changed. Hosts that
 * fail for the network's sake are tried again with backoff. Safe to call for different
 * app/environments concurrently.
 */
public final class AppReconciler {

    private static final Logger LOG = Logger.getLogger(AppReconciler.class);

    private final RolloutEngine engine;
    private final StatusBoard board;
    private final ControlStore control;
    private final Inspector inspector;
    private final HostViews hostViews;
    private final RolloutHistory history;
    private final HealthChecker health;
    private final Clock clock;
    private final ReconcileObserver observer;
    private final RolloutStore rollouts;
    private final int maxAttempts;

    /** Tells {@code observer} when each rollout starts and how it ends. */
    public AppReconciler(Inspector inspector, HealthChecker health, RolloutEngine engine, StatusBoard board,
            ControlStore control, RolloutStore rollouts, RolloutHistory history, Backoff backoff, int maxAttempts,
            Clock clock, ReconcileObserver observer) {
        this.observer = observer;
        this.rollouts = rollouts;
        this.maxAttempts = maxAttempts;
        this.inspector = inspector;
        this.hostViews = new HostViews(inspector, new HostRetries(backoff, clock));
        this.health = health;
        this.engine = engine;
        this.board = board;
        this.control = control;
        this.history = history;
        this.clock = clock;
    }

    /**
     * Brings the hosts of {@code spec}, from desired-state {@code revision}, to it, as far as
     * that goes now. {@code problems} are those of a newer, invalid desired state for this
     * app/environment (empty when {@code spec} is the newest). Returns when to call again, when a
     * rollout waits between batches until then.
     */
    public Optional<Instant> reconcile(AppSpec spec, String revision, List<Problem> problems) {
        return reconcile(spec, revision, problems, () -> spec);
    }

    /**
     * The same, with {@code newest} saying which desired state is the newest valid one while a
     * rollout runs (null once the app/environment left desired state): a rollout of an older one
     * stops at its next step.
     */
    public Optional<Instant> reconcile(AppSpec spec, String revision, List<Problem> problems,
            Supplier<AppSpec> newest) {
        AppEnv id = spec.id();
        Optional<RolloutRecord> running = rollouts.get(id);
        // A deploy may start from the last poll's inspection; a held app/environment deploys nothing.
        boolean mayRecall = running.isEmpty() && !control.paused(id)
                && control.halt(id).filter(h -> h.key().equals(key(spec))).isEmpty();
        List<Inspection> inspections = hostViews.inspectAll(spec, mayRecall);
        Plan plan = planWithHealth(spec, inspections);
        freeLocksLeft(spec, inspections, plan);
        List<HostStatus> hosts = Statuses.fromPlan(plan, board.app(id));
        Optional<ControlStore.Halt> halt = control.halt(id);
        if (halt.isPresent() && !halt.get().key().equals(key(spec))) {
            control.clearHalt(id);
            halt = Optional.empty();
        }
        plan.hosts().stream().filter(HostPlan::converged).forEach(h -> hostViews.succeeded(id, h.host()));
        noticeHosts(spec, revision);
        if (running.isEmpty() && plan.converged() && plan.unreachable().isEmpty()) {
            control.applied(id, key(spec));
            if (halt.isPresent() && control.clearHalt(id)) {
                halt = Optional.empty();
            }
        }
        RolloutRecord record;
        if (running.isPresent()) {
            record = running.get();
        } else {
            Optional<Verdict> hold = halt.map(h -> new Verdict(SyncStatus.Halted, Optional.of(h.error())))
                    .or(() -> control.paused(id) ? Optional.of(Verdict.of(hosts, plan, Optional.empty()))
                            : Optional.empty())
                    .or(() -> !spec.selfHeal() && control.applied(id).filter(key(spec)::equals).isPresent()
                            && !plan.converged() ? Optional.of(Verdict.driftOnly(plan)) : Optional.empty());
            if (plan.converged() || hold.isPresent()) {
                publish(spec, problems, hosts, hold.orElseGet(() -> Verdict.of(hosts, plan, Optional.empty())));
                return Optional.empty();
            }
            record = RolloutRecord.start(id, revision, key(spec), clock.instant(), plan.batches(), spec::release);
            LOG.infof("%s: rolling out %s to %d host(s) in %d batch(es)", id, spec.sha().abbrev(),
                    plan.batches().stream().mapToInt(List::size).sum(), plan.batches().size());
            observer.rolloutStarted(id);
            observer.notice(Notices.started(spec, record));
        }
        board.put(new AppStatus(id, Optional.of(spec.sha().hex()), Verdict.withProblems(SyncStatus.Progressing,
                problems), Optional.empty(), problems, hosts, control.paused(id), clock.instant(),
                Statuses.rollout(Optional.of(record))));
        RolloutEngine.Advanced advanced = engine.advance(spec, record, plan, () -> new RolloutDecider.Situation(
                newestKey(newest), control.paused(id), spec.rollout(), RolloutEngine.currentLinks(plan)),
                new BoardListener(spec, record.revision()), host -> inspector.inspect(spec, host), rollouts);
        noteRetries(id, advanced.outcomes());
        noticeHosts(spec, record.revision());
        return switch (advanced.last()) {
            case RolloutStep.Wait wait -> {
                publish(spec, problems, board.app(id).map(AppStatus::hosts).orElse(hosts),
                        new Verdict(SyncStatus.Progressing, Optional.empty()));
                yield Optional.of(wait.until());
            }
            case RolloutStep.Hold held -> {
                publish(spec, problems, board.app(id).map(AppStatus::hosts).orElse(hosts),
                        new Verdict(SyncStatus.Progressing, Optional.of(held.why())));
                yield Optional.empty();
            }
            case RolloutStep.Finish finish -> {
                // The halt and the history are written before the record goes: a crash between them
                // leaves the rollout to end again, never a halted one forgotten.
                Verdict verdict = end(spec, plan, advanced.record(), finish.end());
                rollouts.remove(id);
                publish(spec, problems, board.app(id).map(AppStatus::hosts).orElse(List.of()), verdict);
                hostViews.inspectAfter(spec, advanced.outcomes());
                boolean newer = finish.end() == RolloutStep.End.SUPERSEDED && newestKey(newest).equals(key(spec));
                // A rollout of an older desired state gave way: this one starts now, from the hosts as they are.
                yield newer ? reconcile(spec, revision, problems, newest) : Optional.empty();
            }
            default -> throw new IllegalStateException("a rollout stops only at a wait, a hold or its end");
        };
    }

    /**
     * Forgets what it keeps of app/environments not in {@code present} (removed from desired
     * state): their halts, pauses and rollouts.
     */
    public void retain(java.util.Set<AppEnv> present) {
        control.retain(present);
        rollouts.retain(present);
        hostViews.retain(present);
    }

    /**
     * Frees the lock of each host that needs nothing, where a deploy of this controller (this run,
     * or one before a restart) kept it and did not get to free it: another controller would wait
     * for it until {@code trueup.lock-ttl}. A lock whose command still runs there is left.
     */
    private void freeLocksLeft(AppSpec spec, List<Inspection> inspections, Plan plan) {
        for (Inspection inspection : inspections) {
            if (inspection instanceof Inspection.Seen seen && seen.observation().lock().isPresent()
                    && plan.hosts().stream().anyMatch(h -> h.host().equals(seen.host()) && h.converged())) {
                engine.freeLock(spec, seen.host(), seen.observation().lock().get());
            }
        }
    }

    /** The key of the newest valid desired state; empty when the app/environment left desired state. */
    private static String newestKey(Supplier<AppSpec> newest) {
        return Optional.ofNullable(newest.get()).map(AppReconciler::key).orElse("");
    }

    /** Tells of hosts that passed {@code trueup.retry.max-attempts} failures in a row, and of those back since. */
    private void noticeHosts(AppSpec spec, String revision) {
        List<HostRetries.Change> changes = hostViews.changes(spec.id(), maxAttempts);
        if (!changes.isEmpty()) {
            String status = board.app(spec.id()).map(s -> s.status().name()).orElse(SyncStatus.Degraded.name());
            changes.forEach(c -> observer.notice(Notices.host(spec, revision, status, c)));
        }
    }

    /** Hosts that failed for the network's sake are tried again with backoff; hosts that deployed, not. */
    private void noteRetries(AppEnv id, List<HostOutcome> outcomes) {
        for (HostOutcome outcome : outcomes) {
            // A host the rollout's inspection could not reach was counted by that inspection already.
            if (outcome instanceof HostOutcome.Failed f && f.transientFailure() && !f.step().equals("inspect")) {
                hostViews.failed(id, f.host(), f.error());
            } else if (outcome instanceof HostOutcome.Deployed) {
                hostViews.succeeded(id, outcome.host());
            }
        }
    }

    /**
     * Ends the rollout of {@code record}: halts what must not be tried again by itself and records it
     * in the history. Returns the status to publish.
     */
    private Verdict end(AppSpec spec, Plan plan, RolloutRecord record, RolloutStep.End how) {
        AppEnv id = spec.id();
        List<RolloutRecord.HostProgress> failures = record.in(Phase.FAILED);
        String where = " (rollout stopped after batch " + record.batchesStarted()
                + " of " + record.batches().size() + ")";
        Optional<String> givenUp = failures.stream().filter(RolloutRecord.HostProgress::transientFailure)
                .filter(f -> hostViews.attempts(id, f.host()) >= maxAttempts).findFirst()
                .map(f -> "halted: gave up on " + f.host() + " after " + maxAttempts + " attempts (trueup.retry"
                        + ".max-attempts): " + Statuses.describe(f, ""));
        RolloutStep.End end = how == RolloutStep.End.STOPPED && givenUp.isPresent() ? RolloutStep.End.HALTED : how;
        Optional<String> error = switch (end) {
            case SUCCEEDED, SUPERSEDED -> failures.stream().findFirst().map(f -> Statuses.describe(f, ""));
            case HALTED -> givenUp.or(() -> failures.stream().filter(f -> !f.transientFailure()).findFirst()
                    .map(f -> "halted: " + Statuses.describe(f, record.batchesStarted() < record.batches().size()
                            ? where : "")));
            case STOPPED -> failures.stream().findFirst().map(f -> Statuses.describe(f, where));
            case ABORTED -> Optional.of("aborted by an operator at batch " + Math.min(record.batch() + 1,
                    record.batches().size()) + " of " + record.batches().size() + "; the hosts it switched went"
                    + " back to their previous release");
        };
        if (end == RolloutStep.End.HALTED || end == RolloutStep.End.ABORTED) {
            control.halt(id, new ControlStore.Halt(record.key(), error.orElse("halted"), clock.instant()));
        }
        if (end == RolloutStep.End.SUCCEEDED && failures.isEmpty() && plan.unreachable().isEmpty()) {
            control.applied(id, record.key());
        }
        observer.rolledOut(id, switch (end) {
            case SUCCEEDED -> failures.isEmpty() ? ReconcileObserver.RolloutEnd.SUCCEEDED
                    : ReconcileObserver.RolloutEnd.FAILED;
            case HALTED -> ReconcileObserver.RolloutEnd.HALTED;
            case STOPPED -> failures.isEmpty() ? ReconcileObserver.RolloutEnd.SUCCEEDED
                    : ReconcileObserver.RolloutEnd.FAILED;
            case ABORTED -> ReconcileObserver.RolloutEnd.ABORTED;
            case SUPERSEDED -> ReconcileObserver.RolloutEnd.SUPERSEDED;
        });
        RolloutHistory.Entry entry = RolloutRecords.entry(spec, record, end, clock.instant());
        error.ifPresentOrElse(e -> LOG.warnf("%s: %s", id, e), () -> LOG.infof("%s: %s %s", id,
                entry.sha().substring(0, 7), end == RolloutStep.End.SUPERSEDED
                        ? "rollout superseded by a newer desired state"
                        : "deployed to " + record.in(Phase.HEALTHY).size() + " host(s)"));
        try {
            history.add(id, entry);
        } catch (RuntimeException e) {
            LOG.errorf("%s: cannot record the rollout in the history: %s", id, e.getMessage());
        }
        List<HostStatus> hosts = board.app(id).map(AppStatus::hosts).orElse(List.of());
        SyncStatus status = end == RolloutStep.End.HALTED || end == RolloutStep.End.ABORTED ? SyncStatus.Halted
                : SyncStatus.Degraded;
        boolean shown = error.isPresent() && end != RolloutStep.End.SUCCEEDED && end != RolloutStep.End.SUPERSEDED;
        Verdict verdict = shown ? new Verdict(status, error) : Verdict.of(hosts, plan, Optional.empty());
        Notices.ended(spec, record, end, verdict).ifPresent(observer::notice);
        return verdict;
    }

    private void publish(AppSpec spec, List<Problem> problems, List<HostStatus> hosts, Verdict verdict) {
        Optional<String> error = verdict.error();
        if (!problems.isEmpty()) {
            error = Optional.of("desired state is invalid (" + problems.get(0) + "); still reconciling the last valid"
                    + " state, " + spec.sha().abbrev() + error.map(s -> "; " + s).orElse(""));
        }
        board.put(new AppStatus(spec.id(), Optional.of(spec.sha().hex()),
                Verdict.withProblems(verdict.status(), problems), error, problems, hosts, control.paused(spec.id()),
                clock.instant(), Statuses.rollout(rollouts.get(spec.id()))));
    }

    /** The plan, once the hosts it leaves alone have passed a health probe (if the app has a check). */
    private Plan planWithHealth(AppSpec spec, List<Inspection> inspections) {
        Plan plan = Planner.plan(spec, inspections);
        if (!spec.health().configured()) {
            return plan;
        }
        Map<HostAddress, Future<Optional<String>>> probes = new LinkedHashMap<>();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            plan.hosts().stream().filter(HostPlan::converged).forEach(h ->
                    probes.put(h.host(), workers.submit(() -> health.probe(spec, h.host()))));
        }
        Map<HostAddress, String> unhealthy = new LinkedHashMap<>();
        probes.forEach((host, probe) -> probe.resultNow().ifPresent(reason -> unhealthy.put(host, spec.redact(reason))));
        return unhealthy.isEmpty() ? plan : Planner.plan(spec, inspections, unhealthy);
    }

    /**
     * What identifies a desired state for halts and for "rolled out already": the SHA, the
     * requirements hash and a digest of every other field, so that fixing a restart or health
     * command in desired state counts as new desired state. Stable across restarts of trueup.
     */
    static String key(AppSpec spec) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(spec.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return spec.sha().hex() + " " + spec.requirementsHash().hex() + " "
                    + java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Writes each host's progress to the board as it happens, and tells of its rollbacks. */
    private final class BoardListener implements RolloutListener {
        private final AppSpec spec;
        private final String revision;

        BoardListener(AppSpec spec, String revision) {
            this.spec = spec;
            this.revision = revision;
        }

        @Override
        public void step(AppEnv id, HostAddress host, String step) {
            board.updateHost(id, host, h -> h.deploying(step));
        }

        @Override
        public void finished(AppEnv id, HostOutcome outcome) {
            board.updateHost(id, outcome.host(), h -> Statuses.afterDeploy(h, outcome));
            Notices.rollback(spec, revision, outcome).ifPresent(observer::notice);
        }
    }
}
