package io.trueup.status;

import io.trueup.desired.Problem;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The desired-state repository as last seen.
 *
 * @param revision the commit last fetched and parsed
 * @param fetchedAt when that succeeded
 * @param error why the last attempt failed, when it did
 * @param problems problems of the desired state not tied to one app/environment
 */
public record DesiredStateStatus(Optional<String> url, String branch, Optional<String> revision,
        Optional<Instant> fetchedAt, Optional<String> error, List<Problem> problems) {

    public DesiredStateStatus {
        problems = List.copyOf(problems);
    }
}
