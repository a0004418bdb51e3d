package io.trueup.status;

import io.trueup.ErrorText;
import io.trueup.desired.HostAddress;
import io.trueup.desired.ReleaseId;
import io.trueup.plan.Drift;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What is known of one host.
 *
 * @param release the release {@code current} points at, as last observed or deployed: its name
 *     ({@code <sha>} or {@code <sha>-<config hash>}), or the link's target when it is not a release
 * @param step the step running now, or the one that failed
 * @param error what went wrong, with the tail of the output; capped as {@link ErrorText#head} caps it
 * @param drift how it differed from desired state when last inspected
 * @param detail notes for people: files changed by hand, the rollback done
 */
public record HostStatus(HostAddress host, Optional<String> release, HostState state, Optional<String> step,
        Optional<String> error, Set<Drift> drift, List<String> detail) {

    public HostStatus {
        drift = Set.copyOf(drift);
        detail = List.copyOf(detail.stream().map(ErrorText::head).toList());
        error = error.map(ErrorText::head);
    }

    public static HostStatus unknown(HostAddress host) {
        return new HostStatus(host, Optional.empty(), HostState.Unknown, Optional.empty(), Optional.empty(),
                Set.of(), List.of());
    }

    public HostStatus deploying(String nowStep) {
        return new HostStatus(host, release, HostState.Deploying, Optional.of(nowStep), Optional.empty(), drift,
                detail);
    }

    /** The SHA of the release {@code current} points at (the link's target when it is not a release). */
    public Optional<String> sha() {
        return release.map(r -> ReleaseId.parse(r).map(id -> id.sha().hex()).orElse(r));
    }
}
