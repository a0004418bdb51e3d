package io.trueup.reconcile;

import io.trueup.desired.AppSpec;
import io.trueup.rollout.HostOutcome;
import io.trueup.rollout.RolloutResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Turns a rollout's result into its history entry. Pure. */
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
