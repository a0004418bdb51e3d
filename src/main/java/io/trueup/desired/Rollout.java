package io.trueup.desired;

import java.time.Duration;
import java.util.Objects;

/**
 * How a rollout goes through an environment's hosts.
 *
 * @param batch hosts per batch
 * @param maxFailures hosts that may fail before the rollout halts (0: the first failure halts it)
 * @param canary hosts in a first batch of their own, followed by {@code canaryPause} (0: none)
 * @param canaryPause the wait after the canary batch, before the rest
 * @param pause the wait between batches
 * @param onFailure what a halt does to the hosts already switched in this rollout
 */
public record Rollout(BatchSize batch, int maxFailures, int canary, Duration canaryPause, Duration pause,
        OnFailure onFailure) {

    public static final Rollout DEFAULT = new Rollout(new BatchSize(1, false), 0, 0, Duration.ZERO, Duration.ZERO,
            OnFailure.HALT);

    /** What a halted rollout does beyond switching the failed hosts back. */
    public enum OnFailure {
        /** Stop: hosts already switched keep the new release. */
        HALT("halt"),
        /** Also switch every host this rollout switched back to its previous release. */
        ROLLBACK_ALL("rollback-all");

        private final String word;

        OnFailure(String word) {
            this.word = word;
        }

        public static OnFailure parse(String text) {
            for (OnFailure value : values()) {
                if (value.word.equals(text)) {
                    return value;
                }
            }
            throw new IllegalArgumentException("must be halt or rollback-all");
        }

        @Override
        public String toString() {
            return word;
        }
    }

    public Rollout {
        Objects.requireNonNull(batch);
        Objects.requireNonNull(canaryPause);
        Objects.requireNonNull(pause);
        Objects.requireNonNull(onFailure);
        if (maxFailures < 0 || canary < 0) {
            throw new IllegalArgumentException("maxFailures and canary must not be negative");
        }
    }
}
