package io.trueup.reconcile;

import io.trueup.ErrorText;
import io.trueup.desired.AppEnv;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The rollouts of each app/environment, newest first, kept across restarts of trueup and shared
 * by its replicas. Implementations are thread-safe: {@link FileRolloutHistory} (JSON lines in the
 * state directory) and {@code io.trueup.store.PostgresRolloutHistory}.
 */
public interface RolloutHistory {

    /** How many rollouts per app/environment are served. */
    int RECENT = 50;

    /** One rollout: what it rolled out, when, for how long, how it ended, and each host's result. */
    record Entry(String revision, String sha, String requirementsHash, Instant start, Duration duration,
            String result, List<HostResult> hosts) {
        public Entry {
            hosts = List.copyOf(hosts);
            result = ErrorText.head(result);
        }
    }

    /**
     * One host's result: {@code deployed}, {@code failed} (with step, error and the tail of the
     * step's output, both capped as {@link ErrorText} caps them) or {@code reverted}.
     */
    record HostResult(String host, String result, String step, String error, String output) {
        public HostResult {
            result = ErrorText.head(result);
            error = ErrorText.head(error);
            output = ErrorText.tail(output);
        }
    }

    void add(AppEnv id, Entry entry);

    /** The recent rollouts of {@code id} (at most {@link #RECENT}), newest first. */
    List<Entry> recent(AppEnv id);
}
