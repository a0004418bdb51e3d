package io.trueup.reconcile;

import io.trueup.desired.AppEnv;
import java.time.Duration;

/**
 * Told what the reconciler did, for monitoring and notifications: a port that keeps the
 * reconcile loop free of any metrics library and of HTTP. Implementations must be cheap, must not throw, and must be safe to call
 * from many threads at once (app/environments reconcile in parallel).
 */
public interface ReconcileObserver {

    /** An observer that ignores everything, for tests and tools that do not monitor. */
    ReconcileObserver NONE = new ReconcileObserver() {
    };

    /** How a rollout ended, as counted by {@link #rolledOut}. */
    enum RolloutEnd {
        /** Every host it worked on got the desired release. */
        SUCCEEDED,
        /** A host's step failed; the rollout stopped and stays halted for this desired state. */
        HALTED,
        /** Some host failed for the network's sake; it is retried with backoff. */
        FAILED,
        /** An operator aborted it; the hosts it switched went back. */
        ABORTED,
        /** A newer desired state took over before it ended. */
        SUPERSEDED;

        /** The lower-case name, as used in metric labels. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Why a poll read no desired state, as counted by {@link #pollFailed}: few values, fit for a metric label. */
    enum PollFailure {
        /** The repository could not be fetched or read: the network, a missing branch or directory. */
        FETCH,
        /** The revision holds more under {@code apps/} than trueup reads: it is refused whole. */
        REFUSED,
        /**
         * The branch's newest commit is unsigned or signed by a key not accepted
         * ({@code trueup.desired-state.verify}): apps stay at the commit last accepted.
         */
        UNTRUSTED,
        /** Something unexpected: a bug or a library's failure, logged with its stack. */
        INTERNAL;

        /** The lower-case name, as used in metric labels. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A poll read no new desired state, for {@code reason}; apps reconcile to their last valid state. */
    default void pollFailed(PollFailure reason) {
    }

    /** Desired state was fetched and parsed ({@code succeeded}) or not, taking {@code took}. */
    default void fetched(Duration took, boolean succeeded) {
    }

    /** A rollout of {@code id} starts: its status on the board is now Progressing. */
    default void rolloutStarted(AppEnv id) {
    }

    /** A rollout of {@code id} ended. */
    default void rolledOut(AppEnv id, RolloutEnd end) {
    }

    /** One reconcile of {@code id} (inspect, plan and any rollout) ended after {@code took}. */
    default void reconciled(AppEnv id, Duration took) {
    }

    /** Something a person should hear of happened; must not block (a notifier queues it). */
    default void notice(Notice notice) {
    }

    /** An observer that tells {@code first}, then {@code second}, of everything. */
    static ReconcileObserver both(ReconcileObserver first, ReconcileObserver second) {
        return new ReconcileObserver() {
            @Override
            public void pollFailed(PollFailure reason) {
                first.pollFailed(reason);
                second.pollFailed(reason);
            }

            @Override
            public void fetched(Duration took, boolean succeeded) {
                first.fetched(took, succeeded);
                second.fetched(took, succeeded);
            }

            @Override
            public void rolloutStarted(AppEnv id) {
                first.rolloutStarted(id);
                second.rolloutStarted(id);
            }

            @Override
            public void rolledOut(AppEnv id, RolloutEnd end) {
                first.rolledOut(id, end);
                second.rolledOut(id, end);
            }

            @Override
            public void reconciled(AppEnv id, Duration took) {
                first.reconciled(id, took);
                second.reconciled(id, took);
            }

            @Override
            public void notice(Notice notice) {
                first.notice(notice);
                second.notice(notice);
            }
        };
    }
}
