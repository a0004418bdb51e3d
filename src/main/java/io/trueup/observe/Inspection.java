package io.trueup.observe;

import io.trueup.desired.HostAddress;

/** The outcome of inspecting one host: what was seen, or why nothing could be. */
public sealed interface Inspection {

    HostAddress host();

    record Seen(HostAddress host, Observation observation) implements Inspection {
    }

    /**
     * The host could not be inspected.
     *
     * @param transientFailure whether trying later may help (network) rather than not (host key refused)
     */
    record Failed(HostAddress host, String error, boolean transientFailure) implements Inspection {
    }
}
