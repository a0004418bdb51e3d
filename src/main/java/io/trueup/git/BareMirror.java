package io.trueup.git;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;

/**
 * A local bare repository that takes objects and refs from remote repositories by fetching.
 * Everything but {@link #fetch} and {@link #remoteBranches} reads local objects only.
 *
 * <p>Reads are safe from many threads at once; callers serialize fetches into one mirror.
 */
final class BareMirror implements AutoCloseable {

    /** The longest a fetch waits for the remote side at any one point before it fails. */
    static final Duration NETWORK_TIMEOUT = Duration.ofMinutes(2);

    private final Path dir;
    private final Repository repository;
    private final GitSsh ssh;

    private BareMirror(Path dir, Repository repository, GitSsh ssh) {
        this.dir = dir;
        this.repository = repository;
        this.ssh = ssh;
    }

    /** Opens the bare repository at {@code dir}, creating it when it does not exist yet. */
    static BareMirror openOrCreate(Path dir, GitSsh ssh) {
        try {
            Repository repository = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
            if (!repository.getObjectDatabase().exists()) {
                repository.create(true);
            }
            return new BareMirror(dir, repository, ssh);
        } catch (IOException | IllegalStateException e) {
            throw new GitException("cannot open the local git mirror " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Fetches {@code specs} from {@code url}; with {@code prune}, refs the remote dropped are deleted. */
    void fetch(String url, List<RefSpec> specs, boolean prune) throws GitAPIException {
        Git.wrap(repository).fetch()
                .setRemote(url)
                .setRefSpecs(specs)
                .setRemoveDeletedRefs(prune)
                .setTagOpt(TagOpt.NO_TAGS)
                .setTimeout(timeoutSeconds())
                .setTransportConfigCallback(ssh.transportConfig())
                .call();
    }

    /** Why a fetch from {@code url} failed, in words for a message that already names the URL. */
    static String reason(GitAPIException e, String url) {
        if (e instanceof InvalidRemoteException) {
            return "no git repository there";
        }
        String message = String.valueOf(e.getMessage());
        String reason = message.startsWith(url + ": ") ? message.substring(url.length() + 2) : message;
        return httpReason(reason, e).orElse(reason);
    }

    /** JGit's words for a refused login or an untrusted server, said in trueup's terms (no secret in either). */
    private static Optional<String> httpReason(String reason, Throwable e) {
        if (reason.equals("not authorized")) {
            return Optional.of("authentication failed: the server refused the login of the line for this URL in "
                    + GitHttp.CREDENTIALS_FILE + " of trueup.secrets.dir");
        }
        if (reason.startsWith("Authentication is required but no CredentialsProvider")) {
            return Optional.of("authentication failed: the server asks for a login, and no line of "
                    + GitHttp.CREDENTIALS_FILE + " in trueup.secrets.dir serves this URL");
        }
        if (reason.contains("could not be established because of SSL problems")) {
            Throwable root = e;
            for (int i = 0; i < 10 && root.getCause() != null; i++) {
                root = root.getCause();
            }
            return Optional.of("TLS failed: " + root.getMessage() + " (a server whose certificate a private CA"
                    + " signed needs that CA in trueup.git.ca-file)");
        }
        return Optional.empty();
    }

    /** The branch names {@code url} advertises, or empty when it cannot be listed. */
    Optional<List<String>> remoteBranches(String url) {
        try {
            var refs = Git.lsRemoteRepository()
                    .setRemote(url)
                    .setHeads(true)
                    .setTimeout(timeoutSeconds())
                    .setTransportConfigCallback(ssh.transportConfig())
                    .call();
            return Optional.of(refs.stream().map(ref -> Repository.shortenRefName(ref.getName())).toList());
        } catch (GitAPIException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The commit {@code id}, or empty when the mirror lacks it or it names no commit. */
    Optional<RevCommit> commit(AnyObjectId id) {
        try (RevWalk walk = new RevWalk(repository)) {
            if (!repository.getObjectDatabase().has(id)) {
                return Optional.empty();
            }
            RevObject object = walk.parseAny(id);
            return object instanceof RevCommit commit ? Optional.of(commit) : Optional.empty();
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    /** The commit {@code revision} (a commit id or ref name) resolves to, or empty. */
    Optional<RevCommit> resolve(String revision) {
        try {
            ObjectId id = repository.resolve(revision + "^{commit}");
            return id == null ? Optional.empty() : commit(id);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The tree of {@code commit}, for reading files. */
    CommitTree tree(RevCommit commit) {
        return new CommitTree(repository, commit, dir);
    }

    /** Subjects of commits reachable from {@code to} but not {@code from}, newest first, at most {@code max}. */
    List<String> subjects(RevCommit from, RevCommit to, int max) {
        try (RevWalk walk = new RevWalk(repository)) {
            walk.markStart(walk.parseCommit(to));
            walk.markUninteresting(walk.parseCommit(from));
            List<String> subjects = new ArrayList<>();
            for (RevCommit commit : walk) {
                if (subjects.size() == max) {
                    break;
                }
                subjects.add(commit.getShortMessage());
            }
            return subjects;
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    /** Whether {@code commit} is {@code tip} or reachable from it. */
    boolean reachable(RevCommit commit, RevCommit tip) {
        try (RevWalk walk = new RevWalk(repository)) {
            return walk.isMergedInto(walk.parseCommit(commit), walk.parseCommit(tip));
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    /** Points ref {@code name} at {@code commit}, whatever it pointed at before. */
    void setRef(String name, RevCommit commit) {
        try {
            RefUpdate update = repository.updateRef(name);
            update.setNewObjectId(commit);
            update.setForceUpdate(true);
            RefUpdate.Result result = update.update();
            switch (result) {
                case NEW, NO_CHANGE, FORCED, FAST_FORWARD -> { }
                default -> throw new GitException("cannot set " + name + " in the local git mirror " + dir + ": "
                        + result);
            }
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    /** Deletes ref {@code name} when it exists. */
    void deleteRef(String name) {
        try {
            if (repository.exactRef(name) != null) {
                RefUpdate update = repository.updateRef(name);
                update.setForceUpdate(true);
                update.delete();
            }
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    Repository repository() {
        return repository;
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        repository.close();
    }

    private static int timeoutSeconds() {
        return (int) NETWORK_TIMEOUT.toSeconds();
    }

    private GitException unreadable(IOException e) {
        return new GitException("cannot read the local git mirror " + dir + ": " + e.getMessage(), e);
    }
}
