package io.trueup.reconcile;

import io.trueup.desired.AppSpec;
import io.trueup.desired.RequirementsHash;
import io.trueup.rollout.HostOutcome;
import io.trueup.rollout.HostUndeployer;
import io.trueup.rollout.Phase;
import io.trueup.rollout.RolloutRecord;
import io.trueup.rollout.RolloutStep;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Turns a rollout's result, or an undeploy's, into its history entry. Pure. */
final class RolloutRecords {

    private RolloutRecords() {
    }

    /** The history entry of the rollout of {@code record}, which ended {@code how} at {@code end}. */
    static RolloutHistory.Entry entry(AppSpec spec, RolloutRecord record, RolloutStep.End how, Instant end) {
        List<RolloutHistory.HostResult> hosts = record.hosts().stream().filter(h -> h.phase().settled())
                .map(RolloutRecords::host).toList();
        long failed = record.in(Phase.FAILED).size();
        String at = " after batch " + record.batchesStarted() + " of " + record.batches().size();
        boolean early = record.batchesStarted() < record.batches().size();
        String outcome = switch (how) {
            case SUCCEEDED -> failed == 0 ? "succeeded" : "succeeded with " + failed + " failed host(s)";
            case HALTED -> early ? "halted" + at : "halted with " + failed + " failed host(s)";
            case STOPPED -> failed == 0 ? "stopped" + at + "; retried"
                    : "stopped by unreachable hosts" + at + "; retried";
            case ABORTED -> "aborted" + at;
            case SUPERSEDED -> "superseded by a newer desired state" + at;
        };
        // A rollout superseded by a newer desired state ends in a reconcile of that one: its own
        // SHA and requirements hash are those its key names (AppReconciler.key), not the spec's.
        String[] key = record.key().split(" ");
        boolean named = key.length == 3 && key[1].matches("[0-9a-f]{64}");
        return new RolloutHistory.Entry(record.revision(), named ? key[0] : spec.sha().hex(),
                named ? new RequirementsHash(key[1]).toString() : spec.requirementsHash().toString(),
                record.started(), Duration.between(record.started(), end), outcome, hosts);
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
