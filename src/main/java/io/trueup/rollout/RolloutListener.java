package io.trueup.rollout;

import io.trueup.desired.AppEnv;
import io.trueup.desired.HostAddress;
import io.trueup.host.HostStep;

/** Hears of a rollout's progress as it happens; called from worker threads, must be thread-safe. */
public interface RolloutListener {

    /** The deploy of {@code plan}'s host starts (or starts again, by a plan made anew). */
    default void starting(AppEnv id, io.trueup.plan.HostPlan plan) {
    }

    /**
     * {@code host} starts {@code step}: a host step ({@link HostStep#word()}) or one run from trueup
     * ({@code push}, {@code health}, {@code inspect}, {@code rollback}), in the words status shows.
     */
    void step(AppEnv id, HostAddress host, String step);

    /** {@code host} succeeded at {@code step}. */
    default void done(AppEnv id, HostAddress host, HostStep step) {
    }

    /** {@code host} is done, one way or the other. */
    void finished(AppEnv id, HostOutcome outcome);

    RolloutListener NONE = new RolloutListener() {
        @Override
        public void step(AppEnv id, HostAddress host, String step) {
        }

        @Override
        public void finished(AppEnv id, HostOutcome outcome) {
        }
    };
}
