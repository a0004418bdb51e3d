package io.trueup.rollout;

import io.trueup.desired.AppEnv;
import io.trueup.desired.HostAddress;
import io.trueup.host.HostStep;
import io.trueup.plan.HostPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * The record of the rollout being advanced, changed by the hosts of a batch in parallel and saved
 * at every change: a change returns once the store holds it. Changes made while the record is
 * being saved wait, and the next save holds them all (a group commit): the hosts of a batch that
 * start together cost the store a write or two, not one each, and none of them waits for the
 * others' writes one by one.
 */
final class RolloutProgress {

    private final RolloutStore store;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition saved = lock.newCondition();
    /** The record as the store holds it (guarded by {@code lock}). */
    private RolloutRecord record;
    /** Changes waiting for the next save, in the order they were asked for (guarded by {@code lock}). */
    private final List<Change> waiting = new ArrayList<>();
    /** Whether a thread is saving a record (guarded by {@code lock}). */
    private boolean saving;

    /** One change, done once a save that holds it ended; its failure, if the save or the change failed. */
    private static final class Change {
        final UnaryOperator<RolloutRecord> how;
        boolean done;
        RuntimeException failure;

        Change(UnaryOperator<RolloutRecord> how) {
            this.how = how;
        }
    }

    RolloutProgress(RolloutStore store, RolloutRecord record) {
        this.store = store;
        this.record = record;
    }

    RolloutRecord record() {
        lock.lock();
        try {
            return record;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Changes the record by {@code how} and saves it; returns once saved. When the change or its
     * save fails, it throws, and the record is as it was without this change (the changes saved
     * with it fail alike).
     */
    void change(UnaryOperator<RolloutRecord> how) {
        Change mine = new Change(how);
        List<Change> group;
        RolloutRecord from;
        lock.lock();
        try {
            waiting.add(mine);
            while (saving && !mine.done) {
                saved.awaitUninterruptibly(); // a save is one write: bounded
            }
            if (mine.done) {
                rethrow(mine);
                return;
            }
            saving = true;
            group = List.copyOf(waiting);
            waiting.clear();
            from = record;
        } finally {
            lock.unlock();
        }
        save(group, from);
        rethrow(mine);
    }

    /** Saves {@code from} changed by each change of {@code group} (one that fails is left out). */
    private void save(List<Change> group, RolloutRecord from) {
        RolloutRecord next = from;
        boolean changed = false;
        RuntimeException failure = null;
        RolloutRecord result = null;
        try {
            for (Change change : group) {
                try {
                    next = change.how.apply(next);
                    changed = true;
                } catch (RuntimeException e) {
                    change.failure = e;
                }
            }
            result = changed ? store.save(next) : from;
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            if (result == null && failure == null) { // an Error on its way up
                failure = new IllegalStateException("the rollout record could not be saved");
            }
            lock.lock();
            try {
                if (result != null) {
                    // An abort taken in meanwhile (mergeAbort) stays.
                    record = record.abort() && !result.abort() ? result.aborting() : result;
                }
                for (Change change : group) {
                    change.done = true;
                    if (change.failure == null) {
                        change.failure = failure;
                    }
                }
                saving = false;
                saved.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private static void rethrow(Change change) {
        if (change.failure != null) {
            throw change.failure;
        }
    }

    void host(HostAddress host, UnaryOperator<RolloutRecord.HostProgress> how) {
        change(r -> r.with(host, how));
    }

    /** Takes in an abort an operator asked for since the record was read. */
    void mergeAbort() {
        lock.lock();
        try {
            if (!record.abort() && store.get(record.id()).filter(RolloutRecord::abort).isPresent()) {
                record = record.aborting();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Records how a host's part of the rollout ended. */
    void settle(HostOutcome outcome) {
        settle(List.of(outcome));
    }

    /** Records how the hosts of a batch ended, in one save. */
    void settle(List<HostOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        change(r -> {
            RolloutRecord settled = r;
            for (HostOutcome outcome : outcomes) {
                settled = settled.with(outcome.host(), p -> settled(p, outcome));
            }
            return settled;
        });
    }

    private static RolloutRecord.HostProgress settled(RolloutRecord.HostProgress p, HostOutcome outcome) {
        return switch (outcome) {
            case HostOutcome.Deployed d -> d.steps().contains(HostStep.SWITCH.word())
                    ? p.at(Phase.HEALTHY, Optional.empty())
                    : p.unswitched();
            case HostOutcome.Failed f -> p.failed(Phase.FAILED, f.step(), f.error(), f.output(),
                    f.transientFailure(), f.rollback());
            case HostOutcome.Reverted r -> r.rollback().succeeded() ? p.at(Phase.ROLLED_BACK,
                    Optional.of("rollback")) : p.failed(Phase.FAILED, "rollback", "switching back failed: "
                            + r.rollback().detail(), "", false, Optional.of(r.rollback()));
        };
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
