package io.trueup.git;

import io.trueup.desired.Sha;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;

/**
 * Desired state from one branch of a git repository (a local path, {@code file://} or
 * {@code ssh://} URL), kept in a local bare mirror: each {@link #fetch} brings the branch's
 * new objects into the mirror and reads the files under {@code apps/} of the configured
 * directory from the branch's newest commit. The snapshot last read is kept: a poll that finds
 * the same commit reads no file again.
 *
 * <p>With {@link SignedCommits#required() signed commits required}, the branch's newest commit
 * is read only when {@link SignedCommits} accepts it; the mirror then keeps it as the ref
 * {@value #ACCEPTED}, across restarts. A newest commit refused is reported in
 * {@link Snapshot#untrusted()}, and the files are those of the commit last accepted; with none
 * accepted yet, {@link #fetch} fails; {@link #read} reads only that commit and those before it
 * (which it vouches for). Once a commit is accepted, a newest commit that does not descend from
 * it is refused too, however it is signed: a force push cannot take hosts back to an older signed
 * commit. Without signed commits required, that ref is deleted, so a commit
 * accepted before never stands in for a newest one later refused.
 *
 * <p>Calls are serialized; the mirror is created on the first call and kept open until
 * {@link #close}.
 */
public final class GitDesiredStateSource implements DesiredStateSource, AutoCloseable {

    /** The ref of the local mirror that names the newest commit accepted when signed commits are required. */
    static final String ACCEPTED = "refs/trueup/accepted";

    private final String url;
    /** {@link #url} as messages show it: without a password or token. */
    private final String shown;
    private final String branch;
    private final String dir;
    private final Path mirrorDir;
    private final GitSsh ssh;
    private final SignedCommits signed;
    private BareMirror mirror;
    /** The newest snapshot read: the same commit is not read again at the next poll. */
    private Snapshot last;

    /**
     * @param url the repository: a path, {@code file://} or {@code ssh://} URL
     * @param branch the branch to follow, such as {@code main}
     * @param dir the directory of the repository that holds {@code apps/}; the root when empty
     * @param localMirrorDir where to keep the bare mirror; created when missing
     * @param ssh the SSH configuration for {@code ssh://} URLs
     */
    public GitDesiredStateSource(String url, String branch, Optional<String> dir, Path localMirrorDir, GitSsh ssh) {
        this(url, branch, dir, localMirrorDir, ssh, SignedCommits.none());
    }

    /** As {@link #GitDesiredStateSource above}, reading only commits that {@code signed} accepts. */
    public GitDesiredStateSource(String url, String branch, Optional<String> dir, Path localMirrorDir, GitSsh ssh,
            SignedCommits signed) {
        if (!Repository.isValidRefName(Constants.R_HEADS + branch)) {
            throw new IllegalArgumentException("not a valid branch name: " + branch);
        }
        this.url = url;
        this.shown = RedactedUrl.of(url);
        this.branch = branch;
        this.dir = RepoPaths.directory(dir.orElse(""));
        this.mirrorDir = localMirrorDir;
        this.ssh = ssh;
        this.signed = signed;
    }

    @Override
    public synchronized Snapshot fetch() {
        BareMirror mirror = mirror();
        String ref = Constants.R_HEADS + branch;
        try {
            mirror.fetch(url, List.of(new RefSpec("+" + ref + ":" + ref)), false);
        } catch (GitAPIException e) {
            throw fetchFailed(mirror, e);
        }
        RevCommit head = mirror.resolve(ref).orElseThrow(this::missingBranch);
        if (!signed.required()) {
            return snapshot(mirror, head);
        }
        Optional<String> refusal = refusal(mirror, head);
        if (refusal.isEmpty()) {
            mirror.setRef(ACCEPTED, head);
            return snapshot(mirror, head);
        }
        String why = "untrusted commit " + head.name() + ": " + refusal.get();
        RevCommit accepted = mirror.resolve(ACCEPTED).orElseThrow(() -> new UntrustedCommitException(why
                + "; no commit of " + shown + " is accepted yet, so nothing is deployed from it"));
        return snapshot(mirror, accepted).insteadOfUntrusted(why);
    }

    /**
     * Why {@code head} is not trusted, if it is not: its signature, or (signed, while a commit is
     * accepted) a history that does not hold the commit last accepted, as a force push back to an
     * older signed commit, or onto another history, makes.
     */
    private Optional<String> refusal(BareMirror mirror, RevCommit head) {
        Optional<String> refusal = signed.refusal(mirror.repository(), head);
        if (refusal.isPresent()) {
            return refusal;
        }
        return mirror.resolve(ACCEPTED).filter(accepted -> !mirror.reachable(accepted, head))
                .map(accepted -> "does not descend from " + accepted.name() + ", the commit last accepted");
    }

    @Override
    public synchronized Snapshot read(String revision) {
        BareMirror mirror = mirror();
        RevCommit commit = mirror.resolve(revision).orElseThrow(() -> missingRevision(revision));
        if (signed.required() && !mirror.resolve(ACCEPTED).map(tip -> mirror.reachable(commit, tip)).orElse(false)) {
            throw new GitException("commit " + commit.name().substring(0, 7) + " is neither the desired-state commit"
                    + " last accepted (trueup.desired-state.verify=" + signed.mode() + ") nor one before it");
        }
        return snapshot(mirror, commit);
    }

    @Override
    public synchronized void close() {
        if (mirror != null) {
            mirror.close();
            mirror = null;
        }
    }

    private BareMirror mirror() {
        if (mirror == null) {
            mirror = BareMirror.openOrCreate(mirrorDir, ssh);
            if (!signed.required()) {
                mirror.deleteRef(ACCEPTED);
            }
        }
        return mirror;
    }

    private Snapshot snapshot(BareMirror mirror, RevCommit commit) {
        if (last == null || !last.revision().equals(commit.name())) {
            last = Snapshot.read(mirror.tree(commit), dir, shown);
        }
        return last;
    }

    /** A failed fetch is a missing branch when the repository lists its branches without it. */
    private GitException fetchFailed(BareMirror mirror, GitAPIException e) {
        Optional<List<String>> branches = mirror.remoteBranches(url);
        if (branches.isPresent() && !branches.get().contains(branch)) {
            return new GitException(missingBranch().getMessage(), e);
        }
        String reason = RedactedUrl.scrub(BareMirror.reason(e, url), url);
        return new GitException("cannot fetch branch " + branch + " from " + shown + ": " + reason, e);
    }

    private GitException missingBranch() {
        return new GitException("branch " + branch + " not found in " + shown);
    }

    private GitException missingRevision(String revision) {
        String message = "commit " + revision + " not found in the local mirror of " + shown;
        return Sha.valid(revision)
                ? new MissingCommitException(new Sha(revision), shown, message)
                : new GitException(message);
    }

}
