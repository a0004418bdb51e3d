package io.trueup.git;

import io.trueup.desired.Sha;

/**
 * A pinned commit is not in a repository, even after fetching from it. Trying again only helps
 * once someone pushes the commit, so callers treat this as a problem of the desired state.
 */
public class MissingCommitException extends GitException {

    private final Sha sha;
    private final String source;

    public MissingCommitException(Sha sha, String source, String message) {
        super(message);
        this.sha = sha;
        this.source = source;
    }

    /** The commit that is missing. */
    public Sha sha() {
        return sha;
    }

    /** Where it is missing: the repository URL, or the local mirror of an app. */
    public String source() {
        return source;
    }
}
