package io.trueup.reconcile;

import io.trueup.desired.AppEnv;
import io.trueup.desired.HostAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hosts that failed for transient reasons (unreachable, timed out), with when to try each
 * again, so that a host that is down is not hammered every poll. Thread-safe; in memory only.
 */
final class HostRetries {

    /** A host's run of transient failures. */
    record Retry(int failures, Instant next, String error) {
    }

    private record Key(AppEnv id, HostAddress host) {
    }

    /** A host that crossed the threshold of failures ({@code reachable} false), or answered again after that. */
    record Change(HostAddress host, boolean reachable, String detail) {
    }

    private final Map<Key, Retry> retries = new ConcurrentHashMap<>();
    /** Hosts reported unreachable by {@link #changes}, until they answer again. */
    private final java.util.Set<Key> reported = ConcurrentHashMap.newKeySet();
    private final Backoff backoff;
    private final Clock clock;

    HostRetries(Backoff backoff, Clock clock) {
        this.backoff = backoff;
        this.clock = clock;
    }

    /** The pending retry of {@code host} when it is not yet time to try it again. */
    Optional<Retry> waiting(AppEnv id, HostAddress host) {
        Retry retry = retries.get(new Key(id, host));
        return retry != null && clock.instant().isBefore(retry.next()) ? Optional.of(retry) : Optional.empty();
    }

    /** Records another transient failure; returns the retry it schedules. */
    Retry failed(AppEnv id, HostAddress host, String error) {
        return retries.compute(new Key(id, host), (k, before) -> {
            int failures = before == null ? 1 : before.failures() + 1;
            return new Retry(failures, backoff.next(clock.instant(), failures), error);
        });
    }

    /** How many times in a row {@code host} has failed for the network's sake. */
    int attempts(AppEnv id, HostAddress host) {
        Retry retry = retries.get(new Key(id, host));
        return retry == null ? 0 : retry.failures();
    }

    void succeeded(AppEnv id, HostAddress host) {
        retries.remove(new Key(id, host));
    }

    /**
     * The hosts of {@code id} that have failed {@code threshold} times in a row since last asked,
     * and those reported so that answered since: each change once. Not to be called for the same
     * {@code id} concurrently.
     */
    java.util.List<Change> changes(AppEnv id, int threshold) {
        java.util.List<Change> changes = new java.util.ArrayList<>();
        retries.forEach((key, retry) -> {
            if (key.id().equals(id) && retry.failures() >= threshold && reported.add(key)) {
                changes.add(new Change(key.host(), false, retry.error() + " (failed " + retry.failures()
                        + " time(s) in a row)"));
            }
        });
        for (Key key : java.util.List.copyOf(reported)) {
            if (key.id().equals(id) && !retries.containsKey(key) && reported.remove(key)) {
                changes.add(new Change(key.host(), true, "answers again"));
            }
        }
        return changes;
    }

    /** How a waiting host is reported. */
    String describe(Retry retry) {
        long seconds = Math.max(0, Duration.between(clock.instant(), retry.next()).toSeconds());
        return retry.error() + " (failed " + retry.failures() + " time(s) in a row; next try in " + seconds + "s)";
    }
}
