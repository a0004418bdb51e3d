package io.trueup.git;

import io.trueup.desired.Policy;
import io.trueup.desired.Sha;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * Local bare mirrors of the apps' repositories, one per app at {@code <base>/<app>.git}, from
 * which commits are read and pushed to hosts.
 *
 * <p>A pinned commit the mirror already has is read without going to the network; only a
 * missing one makes the mirror fetch every branch and tag from the app's source. Every fetch
 * is from the source named in that call, so when an app's source changes its mirror follows.
 * Whatever reads a commit first ({@link #readFile}, {@link #hasCommit}) also has the commits
 * its submodules pin fetched into the same mirror ({@link #submodules}), so that a push of the
 * commit can carry them.
 *
 * <p>Safe to call from many threads: fetches for one app are serialized by a lock of that app,
 * different apps never wait for each other, and each mirror is opened once and kept open
 * until {@link #close}.
 */
public final class AppMirrors implements AutoCloseable {

    private static final Pattern APP = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final Path baseDir;
    private final GitSsh ssh;
    private final Clock clock;
    private final Submodules.UrlRule moduleUrls;
    private final ConcurrentMap<String, AppMirror> mirrors = new ConcurrentHashMap<>();

    /**
     * @param baseDir the directory that holds the mirrors; created when missing
     * @param ssh the SSH configuration for {@code ssh://} sources
     * @param clock tells when a fetch happened, for messages
     */
    public AppMirrors(Path baseDir, GitSsh ssh, Clock clock) {
        this(baseDir, ssh, clock, Policy.OPEN);
    }

    /**
     * Mirrors whose submodules are fetched only from URLs {@code policy} allows as sources
     * ({@code trueup.policy.sources}): a submodule elsewhere makes its commit a {@link SubmoduleException}.
     */
    public AppMirrors(Path baseDir, GitSsh ssh, Clock clock, Policy policy) {
        this.baseDir = baseDir;
        this.ssh = ssh;
        this.clock = clock;
        this.moduleUrls = url -> policy.sourceRefusal(url);
    }

    /**
     * The content of the file at {@code path} in commit {@code sha} of {@code app}, fetching
     * from {@code source} only when the mirror lacks the commit.
     *
     * @throws MissingCommitException when {@code source} does not have the commit
     * @throws GitException when the commit has no regular file at {@code path}, or the
     *     source cannot be fetched
     */
    public byte[] readFile(String app, String source, Sha sha, String path) {
        RepoPaths.file(path);
        AppMirror mirror = mirror(app);
        RevCommit commit = mirror.ensure(source, sha);
        return mirror.open().tree(commit).file(path).orElseThrow(() ->
                new GitException(path + " not found at commit " + sha.abbrev() + " of " + source));
    }

    /**
     * Whether commit {@code sha} of {@code app} has an entry of any kind (file, link, directory,
     * submodule) at {@code path}, fetching from {@code source} only when the mirror lacks the commit.
     *
     * @throws MissingCommitException when {@code source} does not have the commit
     * @throws GitException when the source cannot be fetched
     */
    public boolean hasEntry(String app, String source, Sha sha, String path) {
        RepoPaths.file(path);
        AppMirror mirror = mirror(app);
        return mirror.open().tree(mirror.ensure(source, sha)).has(path);
    }

    /**
     * Whether commit {@code sha} of {@code app} exists, fetching from {@code source} only
     * when the mirror lacks it.
     *
     * @throws GitException when the source cannot be fetched
     */
    public boolean hasCommit(String app, String source, Sha sha) {
        try {
            mirror(app).ensure(source, sha);
            return true;
        } catch (MissingCommitException e) {
            return false;
        }
    }

    /**
     * The submodules of commit {@code sha} of {@code app} at every depth, outermost first, each
     * pinned commit in the app's mirror (fetched from the URL its {@code .gitmodules} gives when
     * missing): what a push of the commit sends along. Empty for a commit without submodules.
     *
     * @throws MissingCommitException when {@code source} does not have the commit
     * @throws SubmoduleException when a {@code .gitmodules} breaks a rule or a pinned commit is not found
     */
    public List<Submodule> submodules(String app, String source, Sha sha) {
        return mirror(app).submodules(source, sha);
    }

    /**
     * The submodules of commit {@code sha} of {@code app}, from the mirror only.
     *
     * @throws MissingCommitException when the mirror lacks the commit
     * @throws SubmoduleException when it lacks a pinned submodule commit
     */
    List<Submodule> localSubmodules(String app, Sha sha) {
        return mirror(app).localSubmodules(sha, localCommit(app, sha));
    }

    /**
     * Subjects of the commits in {@code to} that are not in {@code from}, newest first, at
     * most {@code max} of them. Reads the mirror only; both commits must have been fetched.
     *
     * @throws MissingCommitException when the mirror lacks either commit
     */
    public List<String> subjectsBetween(String app, Sha from, Sha to, int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must not be negative: " + max);
        }
        AppMirror mirror = mirror(app);
        return mirror.open().subjects(localCommit(app, from), localCommit(app, to), max);
    }

    /** The mirror repository of {@code app}, for pushing from. */
    Repository repository(String app) {
        return mirror(app).open().repository();
    }

    /**
     * Commit {@code sha} of {@code app} from the mirror, without fetching.
     *
     * @throws MissingCommitException when the mirror lacks it
     */
    RevCommit localCommit(String app, Sha sha) {
        String mirror = "the local mirror of app " + app;
        return mirror(app).local(sha).orElseThrow(() -> new MissingCommitException(sha, mirror,
                "commit " + sha + " not found in " + mirror + "; it was never fetched"));
    }

    /** Closes every mirror; later calls open them again. */
    @Override
    public void close() {
        mirrors.values().forEach(AppMirror::close);
    }

    private AppMirror mirror(String app) {
        if (app == null || !APP.matcher(app).matches()) {
            throw new IllegalArgumentException("not a valid app name: " + app);
        }
        return mirrors.computeIfAbsent(app, name -> new AppMirror(name, baseDir.resolve(name + ".git"), ssh, clock,
                moduleUrls));
    }
}
