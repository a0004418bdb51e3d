package io.trueup.git;

import io.trueup.desired.Sha;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;

/**
 * The local bare mirror of one app's repository, which also holds the commits its commits'
 * submodules pin. Fetches into it are serialized by one lock; reads of commits already present,
 * their submodules found before, take no lock and never touch the network.
 */
final class AppMirror implements AutoCloseable {

    private static final int MAX_REMEMBERED = 1024;
    private static final List<RefSpec> ALL_BRANCHES_AND_TAGS = List.of(
            new RefSpec("+refs/heads/*:refs/heads/*"),
            new RefSpec("+refs/tags/*:refs/tags/*"));

    private final String app;
    private final Path dir;
    private final GitSsh ssh;
    private final Clock clock;
    private final Submodules.UrlRule moduleUrls;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile BareMirror mirror;
    private Instant lastFetch;
    /** The submodules of each commit whose submodule commits are all in the mirror. */
    private final ConcurrentMap<Sha, List<Submodule>> modules = new ConcurrentHashMap<>();

    AppMirror(String app, Path dir, GitSsh ssh, Clock clock, Submodules.UrlRule moduleUrls) {
        this.app = app;
        this.dir = dir;
        this.ssh = ssh;
        this.clock = clock;
        this.moduleUrls = moduleUrls;
    }

    /**
     * The commit {@code sha}, fetched from {@code source} only when the mirror lacks it, and
     * the first time, its submodules' commits too ({@link #submodules}).
     *
     * @throws MissingCommitException when {@code source} does not have it either
     * @throws SubmoduleException when its {@code .gitmodules} breaks a rule or a pinned commit is missing
     */
    RevCommit ensure(String source, Sha sha) {
        ObjectId id = ObjectId.fromString(sha.hex());
        Optional<RevCommit> present = open().commit(id);
        if (present.isPresent() && modules.containsKey(sha)) {
            return present.get();
        }
        lock.lock();
        try {
            BareMirror mirror = open();
            if (mirror.commit(id).isEmpty()) {
                fetch(mirror, source);
            }
            RevCommit commit = mirror.commit(id).orElseThrow(() -> new MissingCommitException(sha, source,
                    "commit " + sha + " not found in " + source + " (fetched " + lastFetch + ")"));
            if (!modules.containsKey(sha)) {
                remember(sha, Submodules.collect(mirror, app, source, commit, module -> fetchModule(mirror, module),
                        moduleUrls));
            }
            return commit;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The submodules of commit {@code sha} at every depth, each pinned commit in the mirror
     * ({@link Submodules}); fetches as {@link #ensure} does.
     *
     * @throws SubmoduleException when its {@code .gitmodules} breaks a rule or a pinned commit is missing
     */
    List<Submodule> submodules(String source, Sha sha) {
        ensure(source, sha);
        return modules.get(sha);
    }

    /**
     * The submodules of commit {@code sha}, read from the mirror only.
     *
     * @throws SubmoduleException when the mirror lacks a pinned commit
     */
    List<Submodule> localSubmodules(Sha sha, RevCommit commit) {
        List<Submodule> known = modules.get(sha);
        return known != null ? known : Submodules.collect(open(), app, "the local mirror", commit, null,
                Submodules.UrlRule.ANY);
    }

    /** The commit {@code sha} if the mirror has it; never fetches. */
    Optional<RevCommit> local(Sha sha) {
        return open().commit(ObjectId.fromString(sha.hex()));
    }

    /** The mirror, opened (and created on disk) on first use. */
    BareMirror open() {
        BareMirror opened = mirror;
        if (opened != null) {
            return opened;
        }
        lock.lock();
        try {
            if (mirror == null) {
                mirror = BareMirror.openOrCreate(dir, ssh);
            }
            return mirror;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (mirror != null) {
                mirror.close();
                mirror = null;
            }
        } finally {
            lock.unlock();
        }
    }

    private void remember(Sha sha, List<Submodule> found) {
        if (modules.size() >= MAX_REMEMBERED) {
            modules.clear();
        }
        modules.put(sha, found);
    }

    /**
     * Fetches the branches and tags of a submodule's URL into a namespace of its own, and then,
     * when its pinned commit is still missing, that commit by its id (which servers that allow
     * it serve). Uses the transport of the app's source, so the same SSH identity and hosts.
     */
    private void fetchModule(BareMirror mirror, Submodule module) {
        String url = new ObjectInserter.Formatter().idFor(Constants.OBJ_BLOB, Constants.encode(module.url())).name();
        String space = "refs/trueup/modules/fetched/" + url + "/";
        try {
            mirror.fetch(module.url(), List.of(new RefSpec("+refs/heads/*:" + space + "heads/*"),
                    new RefSpec("+refs/tags/*:" + space + "tags/*")), true);
        } catch (GitAPIException e) {
            throw new SubmoduleException("app " + app + ": cannot fetch submodule \"" + module.name() + "\" ("
                    + module.path() + ") from " + module.url() + ": " + BareMirror.reason(e, module.url()), e);
        }
        String sha = module.commit().hex();
        if (mirror.commit(ObjectId.fromString(sha)).isEmpty()) {
            try {
                mirror.fetch(module.url(), List.of(new RefSpec("+" + sha + ":" + Submodules.KEEP_PREFIX + sha)), false);
            } catch (GitAPIException | RuntimeException e) {
                // A server that serves only advertised commits: the commit stays missing, which the caller tells.
            }
        }
    }

    /** Fetches every branch and tag of {@code source}; refs it no longer has are dropped. */
    private void fetch(BareMirror mirror, String source) {
        try {
            mirror.fetch(source, ALL_BRANCHES_AND_TAGS, true);
            lastFetch = clock.instant();
        } catch (GitAPIException e) {
            String reason = BareMirror.reason(e, source);
            throw new GitException("cannot fetch app " + app + " from " + source + ": " + reason, e);
        }
    }
}
