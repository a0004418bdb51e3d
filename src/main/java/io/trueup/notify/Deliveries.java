package io.trueup.notify;

/**
 * Told how each notification went, for monitoring: a port that keeps notifications free of any
 * metrics library. Must be cheap, must not throw, safe to call from many threads.
 */
public interface Deliveries {

    /** Counts nothing. */
    Deliveries NONE = (target, result) -> {
    };

    /** How a notification ended. */
    enum Result {
        /** The target answered 2xx. */
        SENT,
        /** Every attempt failed (an error, a timeout, a status other than 2xx). */
        FAILED,
        /** The target's queue was full: never sent. */
        DROPPED;

        /** The lower-case name, as in metric labels. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** {@code target} is configured: its counts start at 0. */
    default void known(Target target) {
    }

    /** One notification to {@code target} ended so. */
    void counted(Target target, Result result);
}
