package io.trueup.git;

import io.trueup.desired.Sha;
import io.trueup.ssh.RemoteShell;
import io.trueup.ssh.SshTarget;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;

/**
 * Pushes commits from the apps' local mirrors ({@link AppMirrors}) to hosts with JGit, over
 * trueup's pooled SSH connection to each host ({@link RemoteShell#start}) rather than a
 * connection of its own. JGit negotiates with the refs the host's repository advertises, so
 * the pack holds only the objects the host lacks. The push is forced, so it succeeds whatever
 * the ref held before.
 *
 * <p>Safe to call from many threads at once. The commit must already be in the app's mirror
 * (read through {@link AppMirrors#readFile} first).
 */
public final class JGitCommitPusher implements CommitPusher {

    private static final String REF_PREFIX = "refs/trueup/";

    private final AppMirrors mirrors;
    private final RemoteShell shell;
    private final Duration timeout;

    /**
     * @param mirrors the apps' mirrors to push from
     * @param shell the pooled SSH connections to hosts
     * @param timeout the longest the push may wait for the host at any one point
     */
    public JGitCommitPusher(AppMirrors mirrors, RemoteShell shell, Duration timeout) {
        if (timeout.toSeconds() < 1) {
            throw new IllegalArgumentException("a push timeout is at least one second: " + timeout);
        }
        this.mirrors = mirrors;
        this.shell = shell;
        this.timeout = timeout;
    }

    @Override
    public PushResult push(String app, Sha sha, SshTarget target, String remoteRepoPath) {
        RevCommit commit = mirrors.localCommit(app, sha);
        Repository repository = mirrors.repository(app);
        URIish uri = RemoteRepoUri.of(target, remoteRepoPath);
        String where = remoteRepoPath + " on " + target;
        ObjectsWritten written = new ObjectsWritten();
        try (Transport transport = Transport.open(repository, uri)) {
            ((SshTransport) transport).setSshSessionFactory(new PooledSessionFactory(shell, target));
            transport.setTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toSeconds()));
            String ref = REF_PREFIX + sha.hex();
            RemoteRefUpdate update = new RemoteRefUpdate(repository, null, commit, ref, true, null, null);
            RemoteRefUpdate done = transport.push(written, List.of(update)).getRemoteUpdate(ref);
            return outcome(done, written, sha, where);
        } catch (IOException e) {
            throw new GitException("cannot push commit " + sha.abbrev() + " of app " + app + " to " + where
                    + ": " + e.getMessage(), e);
        }
    }

    private static PushResult outcome(RemoteRefUpdate update, ObjectsWritten written, Sha sha, String where) {
        return switch (update.getStatus()) {
            case OK -> new PushResult(false, written.count());
            case UP_TO_DATE -> PushResult.alreadyThere();
            default -> throw new GitException("push of commit " + sha.abbrev() + " to " + where + " was refused: "
                    + update.getStatus() + (update.getMessage() == null ? "" : " (" + update.getMessage() + ")"));
        };
    }
}
