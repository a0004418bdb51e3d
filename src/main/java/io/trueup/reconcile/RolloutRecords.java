package io.trueup.reconcile;

import io.trueup.desired.AppSpec;
import io.trueup.rollout.HostOutcome;
import io.trueup.rollout.Phase;
import io.trueup.rollout.RolloutRecord;
import io.trueup.rollout.RolloutStep;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Turns a rollout's result into its history entry. Pure. */
final class RolloutRecords {

    private RolloutRecords() {
    }

    /** The history entry of the rollout of {@code record}, which ended {@code how} at {@code end}. */
    static RolloutHistory.Entry entry(AppSpec spec, RolloutRecord record, RolloutStep.End how, Instant end) {
        List<RolloutHistory.HostResult> hosts = record.hosts().stream().filter(h -> h.phase().settled())
                .map(RolloutRecords::host).toList();
        long failed = record.in(Phase.FAILED).size();
        String at = " after batch " + Math.min(record.batch() + 1, record.batches().size()) + " of "
                + record.batches().size();
        boolean early = record.batch() + 1 < record.batches().size();
        String outcome = switch (how) {
            case SUCCEEDED -> failed == 0 ? "succeeded" : "succeeded with " + failed + " failed host(s)";
            case HALTED -> early ? "halted" + at : "halted with " + failed + " failed host(s)";
            case STOPPED -> failed == 0 ? "stopped" + at + "; retried"
                    : "stopped by unreachable hosts" + at + "; retried";
            case ABORTED -> "aborted" + at;
            case SUPERSEDED -> "superseded by a newer desired state" + at;
        };
        return new RolloutHistory.Entry(record.revision(), spec.sha().hex(), spec.requirementsHash().toString(),
                record.started(), Duration.between(record.started(), end), outcome, hosts);
    }

    private static RolloutHistory.HostResult host(RolloutRecord.HostProgress host) {
        String name = host.host().toString();
        return switch (host.phase()) {
            case FAILED -> new RolloutHistory.HostResult(name, host.step().filter("rollback"::equals).isPresent()
                    ? "revert failed" : host.rollback().filter(HostOutcome.Rollback::succeeded).isPresent()
                    ? "failed, rolled back" : "failed", host.step().orElse(null), host.error().orElse(null),
                    host.output().orElse(null));
            case ROLLED_BACK -> new RolloutHistory.HostResult(name, "reverted", "rollback", null, null);
            default -> new RolloutHistory.HostResult(name, "deployed", null, null, null);
        };
    }
}
