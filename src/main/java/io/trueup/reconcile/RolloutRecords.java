package io.trueup.reconcile;

import io.trueup.desired.AppSpec;
import io.trueup.rollout.HostOutcome;
import io.trueup.rollout.HostUndeployer;
import io.trueup.rollout.RolloutResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Turns a rollout's result, or an undeploy's, into its history entry. Pure. */
final class RolloutRecords {

    private RolloutRecords() {
    }

    static RolloutHistory.Entry entry(AppSpec spec, String revision, Instant start, Instant end,
            RolloutResult result) {
        List<RolloutHistory.HostResult> hosts = result.outcomes().stream().map(RolloutRecords::host).toList();
        boolean halted = result.failures().stream().anyMatch(f -> !f.transientFailure());
        String outcome = result.failures().isEmpty() ? "succeeded"
                : halted && result.stopped() ? "halted after batch " + result.batchesRun() + " of " + result.batches()
                : halted ? "halted with " + result.failures().size() + " failed host(s)"
                : "stopped by unreachable hosts after batch " + result.batchesRun() + " of " + result.batches()
                        + "; retried";
        return new RolloutHistory.Entry(revision, spec.sha().hex(), spec.requirementsHash().toString(), start,
                Duration.between(start, end), outcome, hosts);
    }

    /**
     * The entry of an undeploy of hosts that left desired state ({@code first} is one of them: its
     * revision and what was last desired there are the entry's), {@code undeployed} or
     * {@code undeploy failed on <n> of <m> host(s)}.
     */
    static RolloutHistory.Entry undeploy(PendingUndeploys.Pending first, Instant start, Duration took,
            List<HostUndeployer.Outcome> outcomes) {
        long failed = outcomes.stream().filter(HostUndeployer.Failed.class::isInstance).count();
        List<RolloutHistory.HostResult> hosts = outcomes.stream().map(o -> switch (o) {
            case HostUndeployer.Undeployed u -> new RolloutHistory.HostResult(u.host().toString(), "undeployed", null,
                    null, null);
            case HostUndeployer.Failed f -> new RolloutHistory.HostResult(f.host().toString(), "undeploy failed",
                    f.step(), f.error(), f.output().isBlank() ? null : f.output());
        }).toList();
        return new RolloutHistory.Entry(first.removedIn(), first.sha(), first.requirementsHash(), start, took,
                failed == 0 ? "undeployed" : "undeploy failed on " + failed + " of " + outcomes.size() + " host(s)",
                hosts);
    }

    private static RolloutHistory.HostResult host(HostOutcome outcome) {
        return switch (outcome) {
            case HostOutcome.Deployed d -> new RolloutHistory.HostResult(d.host().toString(), "deployed", null, null,
                    null);
            case HostOutcome.Failed f -> new RolloutHistory.HostResult(f.host().toString(),
                    f.rollback().filter(HostOutcome.Rollback::succeeded).isPresent() ? "failed, rolled back" : "failed",
                    f.step(), f.error(), f.output().isBlank() ? null : f.output());
            case HostOutcome.Reverted r -> new RolloutHistory.HostResult(r.host().toString(),
                    r.rollback().succeeded() ? "reverted" : "revert failed", "rollback",
                    r.rollback().succeeded() ? null : r.rollback().detail(), null);
        };
    }
}
