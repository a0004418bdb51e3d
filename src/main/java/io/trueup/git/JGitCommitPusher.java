package io.trueup.git;

import io.trueup.desired.Sha;
import io.trueup.ssh.RemoteShell;
import io.trueup.ssh.SshTarget;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jgit.lib.ObjectId;
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
 * the pack holds only the objects the host lacks, and it is thin: a changed file or tree travels
 * as a delta against the one the host has. The host's receive-pack runs {@code --quiet}: no
 * progress messages back. The push is forced, so it succeeds whatever
 * the ref held before. The commits the app commit's submodules pin ({@link AppMirrors#submodules})
 * go in the same push, each to {@code refs/trueup/modules/<sha>/<submodule sha>}: one
 * negotiation, one pack of what the host lacks.
 *
 * <p>Safe to call from many threads at once. The commit must already be in the app's mirror
 * (read through {@link AppMirrors#readFile} first).
 */
public final class JGitCommitPusher implements CommitPusher {

    private static final String REF_PREFIX = "refs/trueup/";
    /** The host's side of a push: git's receive-pack, telling no progress. */
    static final String RECEIVE_PACK = "git-receive-pack --quiet";

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
            // A thin pack: a changed file travels as a delta against the version the host has, as
            // with git push. And the host says nothing of its progress (JGit never asks for git's
            // "quiet" capability; receive-pack's own --quiet has the same effect).
            transport.setPushThin(true);
            transport.setOptionReceivePack(RECEIVE_PACK);
            List<RemoteRefUpdate> updates = new ArrayList<>();
            updates.add(new RemoteRefUpdate(repository, null, commit, REF_PREFIX + sha.hex(), true, null, null));
            Set<Sha> modules = new LinkedHashSet<>();
            mirrors.localSubmodules(app, sha).forEach(module -> modules.add(module.commit()));
            for (Sha module : modules) {
                ObjectId id = ObjectId.fromString(module.hex());
                updates.add(new RemoteRefUpdate(repository, null, id, moduleRef(sha, module), true, null, null));
            }
            var result = transport.push(written, updates);
            return outcome(updates.stream().map(u -> result.getRemoteUpdate(u.getRemoteName())).toList(), written,
                    sha, where);
        } catch (IOException e) {
            throw new GitException("cannot push commit " + sha.abbrev() + " of app " + app + " to " + where
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * The host's ref for submodule commit {@code module} of the release of {@code sha}: the host's
     * gc drops it with {@code refs/trueup/<sha>}.
     */
    static String moduleRef(Sha sha, Sha module) {
        return REF_PREFIX + "modules/" + sha.hex() + "/" + module.hex();
    }

    private static PushResult outcome(List<RemoteRefUpdate> updates, ObjectsWritten written, Sha sha, String where) {
        boolean upToDate = true;
        for (RemoteRefUpdate update : updates) {
            switch (update.getStatus()) {
                case OK -> upToDate = false;
                case UP_TO_DATE -> {
                }
                default -> throw new GitException("push of commit " + sha.abbrev() + " to " + where + " was refused: "
                        + update.getRemoteName() + " " + update.getStatus()
                        + (update.getMessage() == null ? "" : " (" + update.getMessage() + ")"));
            }
        }
        return upToDate ? PushResult.alreadyThere() : new PushResult(false, written.count());
    }
}
