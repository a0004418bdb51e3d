package io.trueup.reconcile;

import io.trueup.desired.AppEnv;
import io.trueup.desired.AppSpec;
import io.trueup.desired.HostAddress;
import io.trueup.desired.Removal;
import io.trueup.rollout.HostUndeployer;
import io.trueup.status.StatusBoard;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;

/**
 * Hosts that left desired state (their environment file removed, or they from its {@code hosts}),
 * and undeploying them. A host that leaves is <em>pending undeploy</em>, with what its last
 * spec said of it (base directory, user, {@code stop}), kept across restarts of trueup
 * ({@link PendingUndeploys}); the status board shows it so. It is undeployed ({@link HostUndeployer})
 * when an operator asks ({@link #approve}), or at once with {@code trueup.undeploy=auto}
 * ({@code auto}) unless its app/environment is paused; until then it runs as it was, so a commit
 * that deletes a file by mistake stops
 * nothing. A host that comes back to desired state before that, or that another app/environment
 * now deploys to the same base directory, is no longer pending. Once undeployed, it is forgotten
 * by the board (the whole app/environment once its last host is); its history stays. The caller
 * must not undeploy an app/environment while it is being reconciled ({@link Reconciler} sees to
 * that). Thread-safe.
 */
public final class Undeploys {

    private static final Logger LOG = Logger.getLogger(Undeploys.class);

    private final PendingUndeploys pending;
    private final HostUndeployer hosts;
    private final StatusBoard board;
    private final RolloutHistory history;
    private final ControlStore control;
    private final Clock clock;
    private final boolean auto;
    private volatile Set<AppEnv> desired = Set.of();

    /**
     * @param pending the hosts pending undeploy, kept across restarts
     * @param auto whether hosts are undeployed as soon as they leave desired state ({@code trueup.undeploy=auto})
     */
    public Undeploys(PendingUndeploys pending, HostUndeployer hosts, StatusBoard board, RolloutHistory history, ControlStore control,
            Clock clock, boolean auto) {
        this.pending = pending;
        this.hosts = hosts;
        this.board = board;
        this.history = history;
        this.control = control;
        this.clock = clock;
        this.auto = auto;
    }

    /**
     * Notes the hosts that left desired state at {@code revision}: those of a spec in {@code before}
     * (the last valid specs until then) that its spec in {@code now} (the last valid specs since)
     * lacks, or all of it when it has none. Drops the pending undeploys of hosts that came back:
     * listed again, or their app/environment in desired state ({@code inDesiredState}) with no
     * valid spec (so nothing tells), or their base directory deployed by another app/environment.
     * Then shows them all on the board.
     */
    public void track(Map<AppEnv, AppSpec> before, Map<AppEnv, AppSpec> now, Set<AppEnv> inDesiredState,
            String revision) {
        desired = Set.copyOf(inDesiredState);
        Instant at = clock.instant();
        before.forEach((id, spec) -> spec.hosts().stream()
                .filter(host -> Optional.ofNullable(now.get(id)).map(s -> !s.hosts().contains(host)).orElse(true))
                .map(host -> Removal.of(spec, host)).filter(removal -> !deployedTo(removal, now))
                .forEach(removal -> {
                    pending.add(new PendingUndeploys.Pending(removal, spec.sha().hex(),
                            spec.requirementsHash().toString(), revision, at, false, Optional.empty(), false));
                    LOG.infof("%s: %s left desired state in %s: %s", id, removal.host(), revision,
                            auto ? "undeploying it" : "pending undeploy");
                }));
        for (PendingUndeploys.Pending p : pending.all()) {
            AppEnv id = p.removal().id();
            boolean back = inDesiredState.contains(id) && Optional.ofNullable(now.get(id))
                    .map(s -> s.hosts().contains(p.removal().host())).orElse(true);
            if (back || deployedTo(p.removal(), now)) {
                pending.remove(p.key());
                board.update(id, s -> UndeployStatuses.without(s, Set.of(p.removal().host())));
                LOG.infof("%s: %s is in desired state again: no longer pending undeploy, nothing stopped", id,
                        p.removal().host());
            }
        }
        pending.all().stream().map(p -> p.removal().id()).distinct().forEach(this::show);
    }

    /** Whether some spec in {@code specs} deploys to the base directory that {@code removal} would undeploy. */
    private static boolean deployedTo(Removal removal, Map<AppEnv, AppSpec> specs) {
        return specs.values().stream().anyMatch(s -> s.hosts().contains(removal.host())
                && s.path().equals(removal.path()) && s.user().equals(removal.user()));
    }

    /** The app/environments the board keeps: those in desired state, and those with hosts pending undeploy. */
    public Set<AppEnv> shown(Set<AppEnv> inDesiredState) {
        Set<AppEnv> shown = new HashSet<>(inDesiredState);
        pending.all().forEach(p -> shown.add(p.removal().id()));
        return shown;
    }

    /** The hosts of {@code id} pending undeploy. */
    public List<HostAddress> of(AppEnv id) {
        return pending.of(id).stream().map(p -> p.removal().host()).toList();
    }

    /** Shows the hosts of {@code id} pending undeploy on the board, after a reconcile of it rewrote its status. */
    public void show(AppEnv id) {
        List<PendingUndeploys.Pending> hostsOf = pending.of(id);
        boolean gone = !desired.contains(id);
        if (hostsOf.isEmpty() || !gone && board.app(id).isEmpty()) {
            return;
        }
        board.put(UndeployStatuses.show(id, board.app(id), hostsOf, gone, auto, clock.instant()));
    }

    /** Has the hosts of {@code id} pending undeploy undeployed at the next chance; returns how many there are. */
    public int approve(AppEnv id) {
        List<PendingUndeploys.Pending> hostsOf = pending.of(id);
        hostsOf.forEach(p -> pending.update(p.key(), PendingUndeploys.Pending::approve));
        show(id);
        return hostsOf.size();
    }

    /**
     * The app/environments with hosts to undeploy now: approved ones, and in auto mode any but
     * those that failed on a step and those paused.
     */
    public Set<AppEnv> due() {
        Set<AppEnv> due = new TreeSet<>();
        pending.all().stream().filter(this::due).forEach(p -> due.add(p.removal().id()));
        return due;
    }

    private boolean due(PendingUndeploys.Pending p) {
        return p.approved() || UndeployStatuses.due(p, auto) && !control.paused(p.removal().id());
    }

    /**
     * Undeploys the hosts of {@code id} that are due, all at once, and records how that went in the
     * rollout history (unless every host failed for the network's sake: those are tried again).
     */
    public void run(AppEnv id) {
        List<PendingUndeploys.Pending> due = pending.of(id).stream().filter(this::due).toList();
        if (due.isEmpty()) {
            return;
        }
        Instant start = clock.instant();
        List<Future<HostUndeployer.Outcome>> running;
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            running = due.stream().map(p -> workers.submit(() -> hosts.undeploy(p.removal(), p.sha(),
                    p.removedIn()))).toList();
        }
        List<HostUndeployer.Outcome> outcomes = running.stream().map(Future::resultNow).toList();
        Set<HostAddress> undeployed = new HashSet<>();
        for (HostUndeployer.Outcome outcome : outcomes) {
            PendingUndeploys.Key key = new PendingUndeploys.Key(id, outcome.host());
            switch (outcome) {
                case HostUndeployer.Undeployed u -> {
                    pending.remove(key);
                    undeployed.add(u.host());
                    LOG.infof("%s: undeployed from %s", id, u.host());
                }
                case HostUndeployer.Failed f -> {
                    pending.update(key, p -> p.failed(f.error(), f.transientFailure()));
                    LOG.warnf("%s: undeploy of %s failed: %s", id, f.host(), f.error());
                }
            }
        }
        if (outcomes.stream().anyMatch(o -> !(o instanceof HostUndeployer.Failed f && f.transientFailure()))) {
            record(id, due.get(0), start, outcomes);
        }
        if (pending.of(id).isEmpty() && !desired.contains(id)) {
            board.forget(id);
            // Nothing is rolled out there any more: the same spec, back, deploys even with selfHeal: false.
            control.applied(id, "undeployed");
        } else {
            board.update(id, s -> UndeployStatuses.without(s, undeployed));
            show(id);
        }
    }

    private void record(AppEnv id, PendingUndeploys.Pending first, Instant start,
            List<HostUndeployer.Outcome> outcomes) {
        try {
            history.add(id, RolloutRecords.undeploy(first, start, Duration.between(start, clock.instant()), outcomes));
        } catch (RuntimeException e) {
            LOG.errorf("%s: cannot record the undeploy in the history: %s", id, e.getMessage());
        }
    }
}
