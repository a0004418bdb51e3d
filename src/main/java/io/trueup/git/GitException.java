package io.trueup.git;

import io.trueup.TrueupException;

/**
 * A git operation failed: a repository could not be reached or read, a branch, commit or file
 * is missing, or a host refused a push. The message names the repository URL (or host and
 * path), the ref or commit and the cause, and is fit to show a user as it is.
 */
public class GitException extends TrueupException {

    public GitException(String message) {
        super(message);
    }

    public GitException(String message, Throwable cause) {
        super(message, cause);
    }
}
