package io.trueup.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * When to try an unreachable host again: {@code base · 2^(failures-1)}, at most {@code max},
 * spread by ±20% jitter so that many hosts that failed together do not return together.
 * Pure but for the jitter source, which is injected.
 */
public record Backoff(Duration base, Duration max, DoubleSupplier jitter) {

    /** The wait after {@code failures} transient failures in a row (at least one). */
    public Duration after(int failures) {
        int doublings = Math.min(Math.max(0, failures - 1), 30);
        long millis = Math.min(max.toMillis(), base.toMillis() << doublings);
        double spread = 0.8 + 0.4 * jitter.getAsDouble();
        return Duration.ofMillis(Math.round(millis * spread));
    }

    /** The time to try again, after {@code failures} failures, the last at {@code now}. */
    public Instant next(Instant now, int failures) {
        return now.plus(after(failures));
    }
}
