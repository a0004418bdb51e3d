package io.trueup.plan;

import io.trueup.desired.HostAddress;
import io.trueup.desired.ReleaseId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What to do on one host.
 *
 * @param host the host
 * @param observed the release {@code current} pointed at when inspected, by name (the raw link when not a release)
 * @param drift how it differs from desired state (empty when converged)
 * @param actions the steps, in order; empty when converged
 * @param rollbackTo the release to switch back to if a step after the switch fails
 * @param previousBefore what {@code previous} pointed at, restored by a rollback
 * @param detail a person's explanation of the drift, e.g. the files changed by hand
 */
public record HostPlan(HostAddress host, Optional<String> observed, Set<Drift> drift, List<Action> actions,
        Optional<ReleaseId> rollbackTo, Optional<ReleaseId> previousBefore, List<String> detail) {

    public HostPlan {
        drift = Set.copyOf(drift);
        actions = List.copyOf(actions);
        detail = List.copyOf(detail);
    }

    public boolean converged() {
        return actions.isEmpty();
    }

    /** Whether the plan has {@code kind} of action. */
    public boolean has(Class<? extends Action> kind) {
        return actions.stream().anyMatch(kind::isInstance);
    }
}
