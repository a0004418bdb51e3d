package io.trueup.status;

import io.trueup.desired.HostAddress;
import io.trueup.plan.Drift;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What is known of one host.
 *
 * @param sha the release {@code current} points at, as last observed or deployed
 * @param step the step running now, or the one that failed
 * @param error what went wrong, with the tail of the output
 * @param drift how it differed from desired state when last inspected
 * @param detail notes for people: files changed by hand, the rollback done
 */
public record HostStatus(HostAddress host, Optional<String> sha, HostState state, Optional<String> step,
        Optional<String> error, Set<Drift> drift, List<String> detail) {

    public HostStatus {
        drift = Set.copyOf(drift);
        detail = List.copyOf(detail);
    }

    public static HostStatus unknown(HostAddress host) {
        return new HostStatus(host, Optional.empty(), HostState.Unknown, Optional.empty(), Optional.empty(),
                Set.of(), List.of());
    }

    public HostStatus deploying(String nowStep) {
        return new HostStatus(host, sha, HostState.Deploying, Optional.of(nowStep), Optional.empty(), drift, detail);
    }
}
