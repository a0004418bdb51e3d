package io.trueup.git;

/**
 * A revision of the desired-state repository holds more under {@code apps/} than trueup reads
 * (see {@link io.trueup.desired.FileLimits}): the whole revision is refused. The message names
 * the commit, the repository and the file where the limit was reached.
 */
public final class TooLargeException extends GitException {

    public TooLargeException(String message) {
        super(message);
    }
}
