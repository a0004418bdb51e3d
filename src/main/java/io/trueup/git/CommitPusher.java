package io.trueup.git;

import io.trueup.desired.Sha;
import io.trueup.ssh.SshTarget;

/**
 * Puts an app's commit into a host's bare repository, sending only the objects the host
 * lacks. The commit lands under {@code refs/trueup/<sha>}, so pushing the same commit again is
 * harmless and reports {@link PushResult#upToDate()}. The commits its submodules pin
 * ({@link AppMirrors#submodules}) travel in the same push, under
 * {@code refs/trueup/modules/<sha>/<submodule sha>}.
 *
 * <p>Implementations are safe to call from many threads, for the same app and different hosts.
 */
public interface CommitPusher {

    /**
     * Pushes commit {@code sha} of {@code app} to the bare repository at
     * {@code remoteRepoPath} on {@code target}, which must exist already.
     *
     * @param remoteRepoPath absolute, or relative to the SSH user's home directory
     * @throws MissingCommitException when the app's mirror does not have the commit
     * @throws SubmoduleException when it lacks a commit a submodule of it pins
     * @throws GitException when the host refuses the push or it fails; the message names the
     *     host, the path and the reason
     * @throws io.trueup.ssh.RemoteException when the host cannot be reached
     */
    PushResult push(String app, Sha sha, SshTarget target, String remoteRepoPath);
}
