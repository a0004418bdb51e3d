package io.trueup.rollout;

import io.trueup.desired.AppEnv;
import io.trueup.desired.AppSpec;
import io.trueup.desired.HostAddress;
import io.trueup.host.HostStep;
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
import java.util.function.Function;

/**
 * Runs the hosts of one batch of a rollout in parallel, each by its plan, and a batch whose first
 * host migrates with that host first. A host found changed by its first command is inspected again
 * and deployed by the plan made from what that sees. At most {@code concurrency} hosts are worked
 * on at once across all rollouts sharing it. Thread-safe.
 */
final class BatchRunner {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(BatchRunner.class);

    private final HostDeployer deployer;
    private final Semaphore slots;
    private final Clock clock;

    BatchRunner(HostDeployer deployer, int concurrency, Clock clock) {
        this.deployer = deployer;
        this.slots = new Semaphore(Math.max(1, concurrency), true);
        this.clock = clock;
    }

    /**
     * Runs a batch whose host {@code migrating} runs {@code hooks.migrate}: that host first, and the
     * others only once it has migrated, so that no host switches to a release whose migration has
     * not run. If it does not migrate (the hook failed, the host failed before it), the others do
     * not start, and are not in the outcomes: the rollout stops there.
     */
    List<HostOutcome> runMigratingBatch(AppSpec spec, String revision, Plans plans, List<HostAddress> batch,
            HostAddress migrating, RolloutListener listener) {
        CompletableFuture<Boolean> migrated = new CompletableFuture<>();
        RolloutListener watching = new RolloutListener() {
            @Override
            public void starting(AppEnv id, HostPlan plan) {
                listener.starting(id, plan);
            }

            @Override
            public void step(AppEnv id, HostAddress host, String step) {
                listener.step(id, host, step);
            }

            @Override
            public void done(AppEnv id, HostAddress host, HostStep step) {
                listener.done(id, host, step);
                if (step == HostStep.MIGRATE) {
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
                LOG.warnf("%s: %s did not run hooks.migrate; the rest of its batch waits for the next rollout",
                        spec.id(),
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

    List<HostOutcome> runBatch(AppSpec spec, String revision, Plans plans, List<HostAddress> batch,
            RolloutListener listener) {
        List<Future<HostOutcome>> futures = new ArrayList<>();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (HostAddress host : batch) {
                futures.add(workers.submit(() -> deployOne(spec, revision, plans, host, listener)));
            }
        }
        return futures.stream().map(BatchRunner::join).toList();
    }

    private HostOutcome deployOne(AppSpec spec, String revision, Plans plans, HostAddress host,
            RolloutListener listener) throws InterruptedException {
        slots.acquire();
        try {
            listener.starting(spec.id(), plans.of(host));
            HostOutcome outcome = switch (deployer.deploy(spec, revision, plans.of(host), listener)) {
                case HostDeployer.Done done -> done.outcome();
                case HostDeployer.Changed changed -> {
                    LOG.infof("%s: %s; inspecting it again", spec.id(), changed.reason());
                    yield deployAgain(spec, revision, plans, host, listener);
                }
            };
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
        listener.starting(spec.id(), fresh);
        if (fresh.converged()) {
            deployer.unlock(spec, host); // its verify kept the lock for a deploy there is no need of
            return new HostOutcome.Deployed(host, spec.release(host), List.of(), Duration.between(start,
                    clock.instant()), List.of());
        }
        return switch (deployer.deploy(spec, revision, fresh, listener)) {
            case HostDeployer.Done done -> done.outcome();
            case HostDeployer.Changed changed -> {
                // Changed again while it was being inspected: tried again later, as a host out of reach is.
                deployer.unlock(spec, host);
                yield new HostOutcome.Failed(host, "verify", changed.reason(), "", true, Optional.empty());
            }
        };
    }

    /**
     * Starts {@code plan}'s push ahead of its host's turn ({@link HostDeployer#pushAhead}) when a
     * slot is free beyond the {@code running} hosts of the batch about to run: pushes ahead count
     * toward the concurrency, and never take a slot from the batch. Without one, the host's turn
     * pushes.
     */
    void pushAhead(AppSpec spec, String revision, HostPlan plan, int running) {
        if (slots.availablePermits() <= running || !slots.tryAcquire()) {
            return;
        }
        if (!deployer.pushAhead(spec, revision, plan, slots::release)) {
            slots.release();
        }
    }

    /** The plan of each host: the rollout's, or the one made when the host was inspected again. */
    record Plans(Plan plan, Function<HostAddress, Inspection> inspectAgain,
            Map<HostAddress, HostPlan> replanned) {
        Plans(Plan plan, Function<HostAddress, Inspection> inspectAgain) {
            this(plan, inspectAgain, new ConcurrentHashMap<>());
        }

        HostPlan of(HostAddress host) {
            return replanned.getOrDefault(host, plan.host(host));
        }

        /** The plan of {@code host}, if the rollout's plan has the host. */
        Optional<HostPlan> find(HostAddress host) {
            return plan.hosts().stream().anyMatch(h -> h.host().equals(host)) ? Optional.of(of(host))
                    : Optional.empty();
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
