package io.trueup.rollout;

/** Why a step failed: a message naming the host and step, the output's tail, and whether it was the network. */
record StepFailure(String step, String message, String output, boolean transientFailure) {

    /** This failure with {@code note} at the end of its message. */
    StepFailure noting(String note) {
        return new StepFailure(step, message + note, output, transientFailure);
    }
}
