package io.trueup.reconcile;

import io.trueup.desired.AppEnv;
import io.trueup.desired.AppSpec;
import io.trueup.desired.Problem;
import io.trueup.rollout.HostOutcome;
import io.trueup.rollout.Phase;
import io.trueup.rollout.RolloutRecord;
import io.trueup.rollout.RolloutStep;
import io.trueup.status.SyncStatus;
import java.util.Optional;

/** The {@link Notice}s of what the reconciler saw happen, in the words of the status. Pure. */
final class Notices {

    private Notices() {
    }

    /** A rollout of {@code spec} starts. */
    static Notice started(AppSpec spec, RolloutRecord record) {
        int hosts = record.batches().stream().mapToInt(java.util.List::size).sum();
        return new Notice(Notice.Event.STARTED, spec.id(), Optional.of(spec.sha().hex()), record.revision(),
                SyncStatus.Progressing.name(), "rolling out " + spec.sha().abbrev() + " to " + hosts + " host(s) in "
                        + record.batches().size() + " batch(es)");
    }

    /**
     * How a rollout's end is told: halted (or aborted), or finished when every host it worked on
     * deployed. None when a newer desired state took over, or when hosts failed for the network's
     * sake and are tried again (a host that keeps failing is told of as unreachable, then halts).
     */
    static Optional<Notice> ended(AppSpec spec, RolloutRecord record, RolloutStep.End end, Verdict verdict) {
        Optional<String> sha = Optional.of(spec.sha().hex());
        return switch (end) {
            case HALTED, ABORTED -> Optional.of(new Notice(Notice.Event.HALTED, spec.id(), sha, record.revision(),
                    verdict.status().name(), verdict.error().orElse("halted")));
            case SUCCEEDED, STOPPED -> record.in(Phase.FAILED).isEmpty()
                    ? Optional.of(new Notice(Notice.Event.FINISHED, spec.id(), sha, record.revision(),
                            verdict.status().name(), spec.sha().abbrev() + " deployed to "
                                    + record.in(Phase.HEALTHY).size() + " host(s)"
                                    + verdict.error().map(e -> "; " + e).orElse("")))
                    : Optional.empty();
            case SUPERSEDED -> Optional.empty();
        };
    }

    /** A host switched back to its previous release (or that tried to), if {@code outcome} says so. */
    static Optional<Notice> rollback(AppSpec spec, String revision, HostOutcome outcome) {
        Optional<String> message = switch (outcome) {
            case HostOutcome.Failed f -> f.rollback().map(r -> Statuses.describe(f, ""));
            case HostOutcome.Reverted r -> Optional.of(r.host() + ": rolled back because the rollout halted: "
                    + r.rollback().detail());
            case HostOutcome.Deployed d -> Optional.empty();
        };
        return message.map(m -> new Notice(Notice.Event.ROLLBACK, spec.id(), Optional.of(spec.sha().hex()),
                revision, SyncStatus.Progressing.name(), m));
    }

    /** A host passed its failures in a row, or came back. */
    static Notice host(AppSpec spec, String revision, String status, HostRetries.Change change) {
        return new Notice(change.reachable() ? Notice.Event.REACHABLE : Notice.Event.UNREACHABLE, spec.id(),
                Optional.of(spec.sha().hex()), revision, status, "host " + change.host()
                        + (change.reachable() ? " " : " unreachable: ") + change.detail());
    }

    /** The newest desired state of {@code id}, at {@code revision}, turned invalid. */
    static Notice invalid(AppEnv id, Optional<AppSpec> lastValid, String revision, Problem first) {
        return new Notice(Notice.Event.INVALID, id, lastValid.map(s -> s.sha().hex()), revision,
                SyncStatus.Invalid.name(), "desired state is invalid (" + first + ")" + lastValid.map(s ->
                        "; still reconciling the last valid state, " + s.sha().abbrev()).orElse(""));
    }
}
