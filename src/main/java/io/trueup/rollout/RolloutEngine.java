package io.trueup.rollout;

import io.trueup.desired.AppSpec;
import io.trueup.desired.HostAddress;
import io.trueup.desired.Rollout;
import io.trueup.plan.Plan;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Executes a plan in its batches: the hosts of a batch in parallel, a batch finished (every
 * host switched, restarted and healthy) before the next starts, a pause after the canary
 * batch and between batches as the rollout policy says, and no further batch once more hosts
 * have failed than {@code rollout.maxFailures} allows. On such a halt, with
 * {@code onFailure: rollback-all}, the hosts this rollout switched go back too. At most
 * {@code concurrency} hosts are worked on at once across all rollouts sharing this engine.
 * Thread-safe.
 */
public final class RolloutEngine {

    private final HostDeployer deployer;
    private final Semaphore slots;
    private final Consumer<Duration> sleeper;
    private final Clock clock;

    public RolloutEngine(HostDeployer deployer, int concurrency, Consumer<Duration> sleeper, Clock clock) {
        this.deployer = deployer;
        this.slots = new Semaphore(Math.max(1, concurrency), true);
        this.sleeper = sleeper;
        this.clock = clock;
    }

    /** Waits with {@link Thread#sleep}. */
    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs the plan of desired-state {@code revision}; returns an outcome for every host worked
     * on, in batch order. Each host's outcome is also appended to its {@code .trueup/history.log}.
     */
    public RolloutResult execute(AppSpec spec, String revision, Plan plan, RolloutListener listener) {
        Rollout policy = spec.rollout();
        List<HostOutcome> outcomes = new ArrayList<>();
        List<List<HostAddress>> batches = plan.batches();
        for (int i = 0; i < batches.size(); i++) {
            if (i > 0) {
                Duration pause = i == 1 && policy.canary() > 0 ? policy.canaryPause() : policy.pause();
                if (!pause.isZero()) {
                    sleeper.accept(pause);
                }
            }
            outcomes.addAll(runBatch(spec, revision, plan, batches.get(i), listener));
            long failed = outcomes.stream().filter(HostOutcome.Failed.class::isInstance).count();
            if (failed > policy.maxFailures()) {
                return new RolloutResult(spec.id(), revertIfAsked(spec, revision, plan, outcomes, listener), i + 1,
                        batches.size(), true);
            }
        }
        return new RolloutResult(spec.id(), outcomes, batches.size(), batches.size(), false);
    }

    private List<HostOutcome> revertIfAsked(AppSpec spec, String revision, Plan plan, List<HostOutcome> outcomes,
            RolloutListener listener) {
        boolean releaseFailed = outcomes.stream()
                .anyMatch(o -> o instanceof HostOutcome.Failed f && !f.transientFailure());
        if (spec.rollout().onFailure() != Rollout.OnFailure.ROLLBACK_ALL || !releaseFailed) {
            return outcomes;
        }
        List<HostOutcome> reverted = new ArrayList<>();
        for (HostOutcome outcome : outcomes) {
            if (outcome instanceof HostOutcome.Deployed deployed) {
                listener.step(spec.id(), deployed.host(), "rollback");
                HostOutcome back = new HostOutcome.Reverted(deployed.host(),
                        deployer.rollBack(spec, deployed.host(), plan.host(deployed.host()).rollbackTo(),
                                plan.host(deployed.host()).previousBefore()));
                deployer.recordHistory(spec, deployed.host(), HistoryLine.of(spec, revision, back, clock.instant()));
                listener.finished(spec.id(), back);
                reverted.add(back);
            } else {
                reverted.add(outcome);
            }
        }
        return reverted;
    }

    private List<HostOutcome> runBatch(AppSpec spec, String revision, Plan plan, List<HostAddress> batch,
            RolloutListener listener) {
        List<Future<HostOutcome>> futures = new ArrayList<>();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (HostAddress host : batch) {
                futures.add(workers.submit(() -> deployOne(spec, revision, plan, host, listener)));
            }
        }
        return futures.stream().map(RolloutEngine::join).toList();
    }

    private HostOutcome deployOne(AppSpec spec, String revision, Plan plan, HostAddress host,
            RolloutListener listener) throws InterruptedException {
        slots.acquire();
        try {
            HostOutcome outcome = deployer.deploy(spec, revision, plan.host(host), listener);
            listener.finished(spec.id(), outcome);
            return outcome;
        } finally {
            slots.release();
        }
    }

    private static HostOutcome join(Future<HostOutcome> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("rollout interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a host deploy failed unexpectedly", e.getCause());
        }
    }
}
