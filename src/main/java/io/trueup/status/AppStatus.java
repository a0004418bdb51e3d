package io.trueup.status;

import io.trueup.ErrorText;
import io.trueup.desired.AppEnv;
import io.trueup.desired.Problem;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What is known of one app/environment.
 *
 * @param sha the desired SHA being reconciled (the last valid one when the newest is invalid)
 * @param error why it is Degraded or Invalid, capped as {@link ErrorText#head} caps it
 * @param problems the desired-state problems when Invalid, each with file and line
 * @param paused whether reconciling is suspended by an operator
 * @param updated when this status was last written
 * @param rollout the rollout running, if one is
 */
public record AppStatus(AppEnv id, Optional<String> sha, SyncStatus status, Optional<String> error,
        List<Problem> problems, List<HostStatus> hosts, boolean paused, Instant updated,
        Optional<RolloutView> rollout) {

    public AppStatus {
        problems = List.copyOf(problems);
        hosts = List.copyOf(hosts);
        error = error.map(ErrorText::head);
        java.util.Objects.requireNonNull(rollout);
    }

    /** A status with no rollout running. */
    public AppStatus(AppEnv id, Optional<String> sha, SyncStatus status, Optional<String> error,
            List<Problem> problems, List<HostStatus> hosts, boolean paused, Instant updated) {
        this(id, sha, status, error, problems, hosts, paused, updated, Optional.empty());
    }

    public AppStatus withPaused(boolean now) {
        return new AppStatus(id, sha, status, error, problems, hosts, now, updated, rollout);
    }
}
