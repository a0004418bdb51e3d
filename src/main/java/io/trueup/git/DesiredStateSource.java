package io.trueup.git;

/**
 * Where desired state comes from: one branch of a git repository, read commit by commit.
 * Files are always read from a commit's tree, never from a working copy, so a snapshot is
 * exactly what was committed.
 *
 * <p>Implementations are safe to call from several threads; calls may block on the network.
 */
public interface DesiredStateSource {

    /**
     * Fetches the followed branch and returns the files of its newest commit.
     *
     * @throws GitException when the repository cannot be reached, or lacks the branch or the
     *     configured directory; the message names the URL
     */
    Snapshot fetch();

    /**
     * Returns the files of an already fetched {@code revision} (a commit id or a ref name),
     * without going to the network; used to compare two commits.
     *
     * @throws MissingCommitException when no fetch brought that revision
     * @throws GitException when signed commits are required and the revision is neither the
     *     commit last accepted nor one before it
     * @throws GitException when the configured directory is missing at that revision
     */
    Snapshot read(String revision);
}
