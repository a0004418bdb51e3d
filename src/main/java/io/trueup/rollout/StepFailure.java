package io.trueup.rollout;

import io.trueup.ErrorText;
import io.trueup.host.HostStep;
import java.util.Optional;

/**
 * Why a step failed: a message naming the host and step, the output's tail, and whether it was the
 * network. Both texts are capped once their secrets are masked ({@link #redacted}): a cap before
 * the mask could cut a secret and leave its start shown. Whatever shows them caps them too.
 *
 * @param step the step's word, as status and history show it
 * @param onHost the host step that failed; empty for what ran from trueup (the push, the health check)
 * @param notAsSeen whether {@code verify} found the host not as the inspection its plan came from saw it
 */
record StepFailure(String step, String message, String output, boolean transientFailure, Optional<HostStep> onHost,
        boolean notAsSeen) {

    /** A failure of what ran from trueup. */
    StepFailure(String step, String message, String output, boolean transientFailure) {
        this(step, message, output, transientFailure, Optional.empty(), false);
    }

    /** A failure of {@code step} on the host. */
    static StepFailure of(HostStep step, String message, String output, boolean transientFailure) {
        return new StepFailure(step.word(), message, output, transientFailure, Optional.of(step), false);
    }

    /** {@code verify} found the host not as inspected: {@code message} says how. */
    static StepFailure notAsSeen(String message) {
        return new StepFailure(HostStep.VERIFY.word(), message, "", false, Optional.of(HostStep.VERIFY), true);
    }

    /** What the message of a command turned away by another holder of the host lock says after the host. */
    static final String LOCKED_BY = ": Locked by ";

    /** Whether the host lock turned the command away, before any step ran. */
    boolean locked() {
        return transientFailure && message.contains(LOCKED_BY);
    }

    /** This failure with {@code note} at the end of its message. */
    StepFailure noting(String note) {
        return new StepFailure(step, message + note, output, transientFailure, onHost, notAsSeen);
    }

    /** This failure with its message and output passed through {@code redact}, then capped ({@link ErrorText}). */
    StepFailure redacted(java.util.function.UnaryOperator<String> redact) {
        return new StepFailure(step, ErrorText.head(redact.apply(message)), ErrorText.tail(redact.apply(output)),
                transientFailure, onHost, notAsSeen);
    }
}
