package io.trueup.rollout;

/** Why a step failed: a message naming the host and step, the output's tail, and whether it was the network. */
record StepFailure(String step, String message, String output, boolean transientFailure) {
}
