package io.trueup.git;

/**
 * The desired-state branch's newest commit is not accepted ({@link SignedCommits}) and no commit
 * of it was accepted before: there is no desired state to act on. The message starts
 * {@code untrusted commit <sha>: <reason>}.
 */
public final class UntrustedCommitException extends GitException {

    public UntrustedCommitException(String message) {
        super(message);
    }
}
