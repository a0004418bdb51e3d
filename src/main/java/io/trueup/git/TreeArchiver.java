package io.trueup.git;

import io.trueup.desired.Sha;
import io.trueup.ssh.RemoteCommand;

/**
 * Makes the tree of an app's commit, with its submodules' trees at their paths, as a tar stream
 * for a host without git: regular files with their exec bit, symbolic links as links, and an
 * empty directory for a gitlink that is not one of its submodules; nothing else. Implementations
 * are safe to call from many threads.
 */
public interface TreeArchiver {

    /**
     * The archive of commit {@code sha} of {@code app}, written when the command that sends it
     * writes its input, as it is read (never held whole in memory). Everything the archive needs
     * is checked to be in the app's mirror first.
     *
     * @throws MissingCommitException when the mirror lacks the commit
     * @throws SubmoduleException when it lacks the commit of one of its submodules (the message names
     *     the submodule's path and commit)
     */
    RemoteCommand.Source archive(String app, Sha sha);
}
