package io.trueup.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import io.trueup.desired.AppEnv;
import io.trueup.reconcile.ReconcileObserver;
import io.trueup.reconcile.ReconcileObserver.PollFailure;
import io.trueup.status.StatusBoard;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;

/**
 * The reconciler's metrics: how long fetches and reconciles take, why polls fail, how rollouts end, and (through
 * {@link AppMetrics}) the per-app/environment gauges, whose series it refreshes after every
 * event. Safe to call from many threads at once.
 */
@Startup
@ApplicationScoped
public class ReconcileMetrics implements ReconcileObserver {

    /** Histogram buckets of a fetch of desired state. */
    static final Duration[] FETCH_BUCKETS = seconds(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60);
    /** Histogram buckets of a reconcile: an inspection takes seconds, a rollout minutes. */
    static final Duration[] RECONCILE_BUCKETS = seconds(0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800);

    @Inject
    StatusBoard board;

    @Inject
    MeterRegistry registry;

    private AppMetrics apps;

    @PostConstruct
    void register() {
        apps = new AppMetrics(board, registry);
        apps.refresh();
        for (PollFailure reason : PollFailure.values()) {
            pollFailures(reason);
        }
    }

    @Override
    public void pollFailed(PollFailure reason) {
        pollFailures(reason).increment();
    }

    /** The counter of polls that read no desired state for {@code reason}, registered at 0 if new. */
    private Counter pollFailures(PollFailure reason) {
        return Counter.builder("trueup.desired.state.poll.failures")
                .description("Polls that read no desired state, by reason: fetch, refused (too large), internal")
                .tag("reason", reason.label()).register(registry);
    }

    @Override
    public void fetched(Duration took, boolean succeeded) {
        Timer.builder("trueup.desired.state.fetch").description("Fetches and parses of the desired-state repository")
                .tag("result", succeeded ? "success" : "failure").serviceLevelObjectives(FETCH_BUCKETS)
                .register(registry).record(took);
        apps.refresh();
    }

    @Override
    public void rolloutStarted(AppEnv id) {
        apps.refresh();
    }

    @Override
    public void rolledOut(AppEnv id, RolloutEnd end) {
        rollouts(id, end).increment();
        apps.refresh();
    }

    @Override
    public void reconciled(AppEnv id, Duration took) {
        Timer.builder("trueup.reconcile.duration").description("Reconciles of an app/environment, rollouts included")
                .tags(AppMetrics.tags(id)).serviceLevelObjectives(RECONCILE_BUCKETS).register(registry).record(took);
        for (RolloutEnd end : RolloutEnd.values()) {
            rollouts(id, end);
        }
        apps.refresh();
    }

    /** The counter of rollouts of {@code id} that ended so, registered at 0 if new. */
    private Counter rollouts(AppEnv id, RolloutEnd end) {
        return Counter.builder("trueup.rollouts").description("Rollouts of an app/environment by how they ended")
                .tags(AppMetrics.tags(id)).tag("result", end.label()).register(registry);
    }

    private static Duration[] seconds(double... values) {
        Duration[] buckets = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            buckets[i] = Duration.ofNanos((long) (values[i] * 1e9));
        }
        return buckets;
    }
}
