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
import io.trueup.rollout.HostOutcome;
import io.trueup.rollout.RolloutEngine;
import io.trueup.rollout.RolloutListener;
import io.trueup.rollout.RolloutResult;
import io.trueup.status.AppStatus;
import io.trueup.status.HostState;
import io.trueup.status.HostStatus;
import io.trueup.status.StatusBoard;
import io.trueup.status.SyncStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;

/**
 * Reconciles one app/environment at a time: inspects its hosts, plans, rolls out, and keeps
 * the status board true throughout. A rollout that fails on a host's step (not the network)
 * halts: it is not retried for the same SHA and requirements until desired state changes.
 * Safe to call for different app/environments concurrently.
 */
public final class AppReconciler {

    private static final Logger LOG = Logger.getLogger(AppReconciler.class);

    private final Inspector inspector;
    private final RolloutEngine engine;
    private final StatusBoard board;
    private final Clock clock;
    private final Map<AppEnv, Halt> halts = new ConcurrentHashMap<>();

    /** A failed rollout of one SHA and requirements hash, not to be retried automatically. */
    record Halt(String key, String error) {
    }

    public AppReconciler(Inspector inspector, RolloutEngine engine, StatusBoard board, Clock clock) {
        this.inspector = inspector;
        this.engine = engine;
        this.board = board;
        this.clock = clock;
    }

    /**
     * Brings the hosts of {@code spec} to it. {@code problems} are those of a newer, invalid
     * desired state for this app/environment (empty when {@code spec} is the newest).
     */
    public void reconcile(AppSpec spec, List<Problem> problems) {
        Plan plan = Planner.plan(spec, inspectAll(spec));
        Halt halt = halts.get(spec.id());
        if (halt != null && !halt.key().equals(key(spec))) {
            halts.remove(spec.id());
            halt = null;
        }
        List<HostStatus> hosts = Statuses.fromPlan(plan, board.app(spec.id()));
        if (plan.converged() || halt != null) {
            publish(spec, problems, hosts, plan, halt == null ? Optional.empty() : Optional.of(halt.error()));
            return;
        }
        board.put(new AppStatus(spec.id(), Optional.of(spec.sha().hex()), status(SyncStatus.Progressing, problems),
                Optional.empty(), problems, hosts, clock.instant()));
        LOG.infof("%s: rolling out %s to %d host(s) in %d batch(es)", spec.id(), spec.sha().abbrev(),
                plan.batches().stream().mapToInt(List::size).sum(), plan.batches().size());
        RolloutResult result = engine.execute(spec, plan, new BoardListener());
        finish(spec, problems, plan, result);
    }

    private void finish(AppSpec spec, List<Problem> problems, Plan plan, RolloutResult result) {
        List<HostOutcome.Failed> failures = result.failures();
        Optional<String> error = Optional.empty();
        if (!failures.isEmpty()) {
            HostOutcome.Failed first = failures.get(0);
            String text = Statuses.describe(first) + (result.batchesRun() < result.batches()
                    ? " (rollout stopped after batch " + result.batchesRun() + " of " + result.batches() + ")" : "");
            error = Optional.of(text);
            if (failures.stream().anyMatch(f -> !f.transientFailure())) {
                halts.put(spec.id(), new Halt(key(spec), "halted: " + text));
                error = Optional.of("halted: " + text);
            }
            LOG.warnf("%s: %s", spec.id(), text);
        } else {
            LOG.infof("%s: %s deployed to %d host(s)", spec.id(), spec.sha().abbrev(), result.outcomes().size());
        }
        List<HostStatus> hosts = board.app(spec.id()).map(AppStatus::hosts).orElse(List.of());
        publish(spec, problems, hosts, plan, error);
    }

    private void publish(AppSpec spec, List<Problem> problems, List<HostStatus> hosts, Plan plan,
            Optional<String> error) {
        Optional<String> unreachable = plan.unreachable().entrySet().stream().findFirst()
                .map(e -> "host " + e.getKey() + " unreachable: " + e.getValue());
        Optional<String> shown = error.or(() -> unreachable);
        SyncStatus status = shown.isPresent() ? SyncStatus.Degraded
                : hosts.stream().allMatch(h -> h.state() == HostState.Synced) ? SyncStatus.Synced
                : SyncStatus.OutOfSync;
        if (!problems.isEmpty()) {
            shown = Optional.of("desired state is invalid (" + problems.get(0) + "); still reconciling the last valid"
                    + " state, " + spec.sha().abbrev() + shown.map(s -> "; " + s).orElse(""));
        }
        board.put(new AppStatus(spec.id(), Optional.of(spec.sha().hex()), status(status, problems), shown,
                problems, hosts, clock.instant()));
    }

    private static SyncStatus status(SyncStatus status, List<Problem> problems) {
        return problems.isEmpty() ? status : SyncStatus.Invalid;
    }

    private List<Inspection> inspectAll(AppSpec spec) {
        List<Future<Inspection>> futures = new ArrayList<>();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (HostAddress host : spec.hosts()) {
                futures.add(workers.submit(() -> inspector.inspect(spec, host)));
            }
        }
        return futures.stream().map(Future::resultNow).toList();
    }

    private static String key(AppSpec spec) {
        return spec.sha().hex() + " " + spec.requirementsHash().hex();
    }

    /** Writes each host's progress to the board as it happens. */
    private final class BoardListener implements RolloutListener {
        @Override
        public void step(AppEnv id, HostAddress host, String step) {
            board.updateHost(id, host, h -> h.deploying(step));
        }

        @Override
        public void finished(AppEnv id, HostOutcome outcome) {
            board.updateHost(id, outcome.host(), h -> Statuses.afterDeploy(h, outcome));
        }
    }
}
