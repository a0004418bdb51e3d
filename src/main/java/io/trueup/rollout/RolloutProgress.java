package io.trueup.rollout;

import io.trueup.desired.AppEnv;
import io.trueup.desired.HostAddress;
import io.trueup.host.HostStep;
import io.trueup.plan.HostPlan;
import java.util.Optional;

/**
 * The record of the rollout being advanced, changed by one thread at a time (the hosts of a
 * batch run in parallel) and saved at every change.
 */
final class RolloutProgress {

    private final RolloutStore store;
    private RolloutRecord record;

    RolloutProgress(RolloutStore store, RolloutRecord record) {
        this.store = store;
        this.record = record;
    }

    synchronized RolloutRecord record() {
        return record;
    }

    synchronized void change(java.util.function.UnaryOperator<RolloutRecord> how) {
        record = store.save(how.apply(record));
    }

    void host(HostAddress host, java.util.function.UnaryOperator<RolloutRecord.HostProgress> how) {
        change(r -> r.with(host, how));
    }

    /** Takes in an abort an operator asked for since the record was read. */
    synchronized void mergeAbort() {
        if (!record.abort() && store.get(record.id()).filter(RolloutRecord::abort).isPresent()) {
            record = record.aborting();
        }
    }

    /** Records how a host's part of the rollout ended. */
    void settle(HostOutcome outcome) {
        host(outcome.host(), p -> switch (outcome) {
            case HostOutcome.Deployed d -> d.steps().contains(HostStep.SWITCH.word())
                    ? p.at(Phase.HEALTHY, Optional.empty())
                    : p.unswitched();
            case HostOutcome.Failed f -> p.failed(Phase.FAILED, f.step(), f.error(), f.output(),
                    f.transientFailure(), f.rollback());
            case HostOutcome.Reverted r -> r.rollback().succeeded() ? p.at(Phase.ROLLED_BACK,
                    Optional.of("rollback")) : p.failed(Phase.FAILED, "rollback", "switching back failed: "
                            + r.rollback().detail(), "", false, Optional.of(r.rollback()));
        });
    }

    /** {@code listener}, with each host's start, release made and switch recorded as they happen. */
    RolloutListener recording(RolloutListener listener) {
        return new RolloutListener() {
            @Override
            public void starting(AppEnv id, HostPlan plan) {
                host(plan.host(), p -> p.started(plan.rollbackTo(), plan.previousBefore()));
                listener.starting(id, plan);
            }

            @Override
            public void step(AppEnv id, HostAddress host, String step) {
                listener.step(id, host, step);
            }

            @Override
            public void done(AppEnv id, HostAddress host, HostStep step) {
                switch (step) {
                    case RELEASE, ENV, BUILD -> host(host, p -> p.at(Phase.PREPARED, Optional.of(step.word())));
                    case SWITCH -> host(host, p -> p.at(Phase.SWITCHED, Optional.of(step.word())));
                    default -> { }
                }
                listener.done(id, host, step);
            }

            @Override
            public void finished(AppEnv id, HostOutcome outcome) {
                listener.finished(id, outcome);
            }
        };
    }
}
