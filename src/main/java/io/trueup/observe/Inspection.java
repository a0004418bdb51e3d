package io.trueup.observe;

import io.trueup.desired.HostAddress;

/** The outcome of inspecting one host: what was seen, or why nothing could be. */
public sealed interface Inspection {

    HostAddress host();

    record Seen(HostAddress host, Observation observation) implements Inspection {
    }

    /**
     * What an inspection at an earlier poll saw, for desired state that has changed since: a
     * deploy planned from it begins by verifying on the host, under the lock, that what it
     * relies on still holds, instead of waiting for another inspection. The observation's
     * checks and {@code commitPresent} are about the SHA desired then, not now.
     */
    record Recalled(HostAddress host, Observation observation) implements Inspection {
    }

    /**
     * The host could not be inspected.
     *
     * @param transientFailure whether trying later may help (network) rather than not (host key refused)
     */
    record Failed(HostAddress host, String error, boolean transientFailure) implements Inspection {
    }
}
