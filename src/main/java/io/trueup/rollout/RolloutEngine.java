package io.trueup.rollout;

import io.trueup.desired.AppSpec;
import io.trueup.desired.HostAddress;
import io.trueup.plan.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Executes a plan in its batches: the hosts of a batch in parallel, a batch finished (every
 * host switched, restarted and healthy) before the next starts, and no further batch once a
 * host has failed. At most {@code concurrency} hosts are worked on at once across all
 * rollouts sharing this engine. Thread-safe.
 */
public final class RolloutEngine {

    private final HostDeployer deployer;
    private final Semaphore slots;

    public RolloutEngine(HostDeployer deployer, int concurrency) {
        this.deployer = deployer;
        this.slots = new Semaphore(Math.max(1, concurrency), true);
    }

    /** Runs the plan; returns an outcome for every host worked on, in batch order. */
    public RolloutResult execute(AppSpec spec, Plan plan, RolloutListener listener) {
        List<HostOutcome> outcomes = new ArrayList<>();
        int batchNumber = 0;
        for (List<HostAddress> batch : plan.batches()) {
            batchNumber++;
            List<HostOutcome> results = runBatch(spec, plan, batch, listener);
            outcomes.addAll(results);
            if (results.stream().anyMatch(HostOutcome.Failed.class::isInstance)) {
                return new RolloutResult(spec.id(), outcomes, batchNumber, plan.batches().size(), true);
            }
        }
        return new RolloutResult(spec.id(), outcomes, batchNumber, plan.batches().size(), false);
    }

    private List<HostOutcome> runBatch(AppSpec spec, Plan plan, List<HostAddress> batch, RolloutListener listener) {
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HostOutcome>> futures = new ArrayList<>();
            for (HostAddress host : batch) {
                futures.add(workers.submit(() -> deployOne(spec, plan, host, listener)));
            }
            List<HostOutcome> results = new ArrayList<>();
            for (Future<HostOutcome> future : futures) {
                results.add(join(future));
            }
            return results;
        }
    }

    private HostOutcome deployOne(AppSpec spec, Plan plan, HostAddress host, RolloutListener listener)
            throws InterruptedException {
        slots.acquire();
        try {
            HostOutcome outcome = deployer.deploy(spec, plan.host(host), listener);
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
