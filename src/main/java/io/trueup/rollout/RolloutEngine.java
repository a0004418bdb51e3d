package io.trueup.rollout;

import io.trueup.desired.AppEnv;
import io.trueup.desired.AppSpec;
import io.trueup.desired.HostAddress;
import io.trueup.desired.Rollout;
import io.trueup.observe.Inspection;
import io.trueup.plan.HostPlan;
import io.trueup.plan.Plan;
import io.trueup.plan.Planner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.Function;

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

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(RolloutEngine.class);

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
     * A host whose plan was made from an earlier inspection and who turns out to have changed
     * since (its {@code verify} step says so) is inspected again with {@code inspectAgain}
     * and deployed by the plan made from what that sees.
     */
    public RolloutResult execute(AppSpec spec, String revision, Plan plan, RolloutListener listener,
            Function<HostAddress, Inspection> inspectAgain) {
        Plans plans = new Plans(plan, inspectAgain);
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
            List<HostAddress> batch = batches.get(i);
            List<HostOutcome> done = plan.migrateOn().filter(batch::contains).isPresent()
                    ? runMigratingBatch(spec, revision, plans, batch, plan.migrateOn().get(), listener)
                    : runBatch(spec, revision, plans, batch, listener);
            outcomes.addAll(done);
            long failed = outcomes.stream().filter(HostOutcome.Failed.class::isInstance).count();
            if (failed > policy.maxFailures() || done.size() < batch.size()) {
                return new RolloutResult(spec.id(), revertIfAsked(spec, revision, plans, outcomes, listener), i + 1,
                        batches.size(), true);
            }
        }
        return new RolloutResult(spec.id(), outcomes, batches.size(), batches.size(), false);
    }

    private List<HostOutcome> revertIfAsked(AppSpec spec, String revision, Plans plans, List<HostOutcome> outcomes,
            RolloutListener listener) {
        boolean releaseFailed = outcomes.stream()
                .anyMatch(o -> o instanceof HostOutcome.Failed f && !f.transientFailure());
        if (spec.rollout().onFailure() != Rollout.OnFailure.ROLLBACK_ALL || !releaseFailed) {
            return outcomes;
        }
        List<HostOutcome> reverted = new ArrayList<>();
        for (HostOutcome outcome : outcomes) {
            // A host found at the desired release when inspected again was not changed: left as it is.
            if (outcome instanceof HostOutcome.Deployed deployed && !deployed.steps().isEmpty()) {
                listener.step(spec.id(), deployed.host(), "rollback");
                HostPlan hostPlan = plans.of(deployed.host());
                HostOutcome back = new HostOutcome.Reverted(deployed.host(), deployer.rollBack(spec, hostPlan, true));
                deployer.recordHistory(spec, deployed.host(), HistoryLine.of(spec, deployed.host(), revision, back,
                        clock.instant()));
                listener.finished(spec.id(), back);
                reverted.add(back);
            } else {
                reverted.add(outcome);
            }
        }
        return reverted;
    }

    /**
     * Runs a batch whose host {@code migrating} runs {@code hooks.migrate}: that host first, and the
     * others only once it has migrated, so that no host switches to a release whose migration has
     * not run. If it does not migrate (the hook failed, the host failed before it), the others do
     * not start, and are not in the outcomes: the rollout stops there.
     */
    private List<HostOutcome> runMigratingBatch(AppSpec spec, String revision, Plans plans, List<HostAddress> batch,
            HostAddress migrating, RolloutListener listener) {
        CompletableFuture<Boolean> migrated = new CompletableFuture<>();
        RolloutListener watching = new RolloutListener() {
            @Override
            public void step(AppEnv id, HostAddress host, String step) {
                listener.step(id, host, step);
            }

            @Override
            public void done(AppEnv id, HostAddress host, String step) {
                listener.done(id, host, step);
                if (step.equals("migrate")) {
                    migrated.complete(true);
                }
            }

            @Override
            public void finished(AppEnv id, HostOutcome outcome) {
                listener.finished(id, outcome);
            }
        };
        List<HostAddress> others = batch.stream().filter(h -> !h.equals(migrating)).toList();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<HostOutcome> first = workers.submit(() -> {
                try {
                    return deployOne(spec, revision, plans, migrating, watching);
                } finally {
                    migrated.complete(false);
                }
            });
            if (!migrated.join()) {
                LOG.warnf("%s: %s did not run hooks.migrate; the rest of its batch waits for the next rollout", spec.id(),
                        migrating);
                return List.of(join(first));
            }
            List<HostOutcome> outcomes = new ArrayList<>();
            List<HostOutcome> rest = runBatch(spec, revision, plans, others, listener);
            outcomes.add(join(first));
            outcomes.addAll(rest);
            return outcomes;
        }
    }

    private List<HostOutcome> runBatch(AppSpec spec, String revision, Plans plans, List<HostAddress> batch,
            RolloutListener listener) {
        List<Future<HostOutcome>> futures = new ArrayList<>();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (HostAddress host : batch) {
                futures.add(workers.submit(() -> deployOne(spec, revision, plans, host, listener)));
            }
        }
        return futures.stream().map(RolloutEngine::join).toList();
    }

    private HostOutcome deployOne(AppSpec spec, String revision, Plans plans, HostAddress host,
            RolloutListener listener) throws InterruptedException {
        slots.acquire();
        try {
            HostOutcome outcome;
            try {
                outcome = deployer.deploy(spec, revision, plans.of(host), listener);
            } catch (HostDeployer.HostChanged changed) {
                LOG.infof("%s: %s; inspecting it again", spec.id(), changed.getMessage());
                outcome = deployAgain(spec, revision, plans, host, listener);
            }
            listener.finished(spec.id(), outcome);
            return outcome;
        } finally {
            slots.release();
        }
    }

    /** Inspects {@code host} again and deploys it by the plan made from what that sees. */
    private HostOutcome deployAgain(AppSpec spec, String revision, Plans plans, HostAddress host,
            RolloutListener listener) {
        Instant start = clock.instant();
        listener.step(spec.id(), host, "inspect");
        Inspection again = plans.inspectAgain.apply(host);
        if (again instanceof Inspection.Failed failed) {
            // Tried again later, when a poll's inspection says what became of the host.
            return new HostOutcome.Failed(host, "inspect", failed.error(), "", true, Optional.empty());
        }
        HostPlan fresh = Planner.replan(spec, again, plans.plan().migrateOn().filter(host::equals).isPresent());
        plans.replanned.put(host, fresh);
        return fresh.converged()
                ? new HostOutcome.Deployed(host, spec.release(host), List.of(), Duration.between(start,
                        clock.instant()), List.of())
                : deployer.deploy(spec, revision, fresh, listener);
    }

    /** The plan of each host: the rollout's, or the one made when the host was inspected again. */
    private record Plans(Plan plan, Function<HostAddress, Inspection> inspectAgain,
            Map<HostAddress, HostPlan> replanned) {
        Plans(Plan plan, Function<HostAddress, Inspection> inspectAgain) {
            this(plan, inspectAgain, new ConcurrentHashMap<>());
        }

        HostPlan of(HostAddress host) {
            return replanned.getOrDefault(host, plan.host(host));
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
