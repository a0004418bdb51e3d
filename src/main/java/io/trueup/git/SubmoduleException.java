package io.trueup.git;

/**
 * A commit's submodules cannot be deployed: its {@code .gitmodules} breaks a rule, or a pinned
 * submodule commit is not found where {@code .gitmodules} says. The message names the app, the
 * commit, {@code .gitmodules} and the submodule. A problem of the app's commit, as a missing
 * commit is: trying again helps only once someone changes the repositories.
 */
public final class SubmoduleException extends GitException {

    public SubmoduleException(String message) {
        super(message);
    }

    public SubmoduleException(String message, Throwable cause) {
        super(message, cause);
    }
}
