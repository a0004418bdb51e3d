package io.trueup.git;

import io.trueup.desired.Sha;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;

/**
 * The local bare mirror of one app's repository. Fetches into it are serialized by one lock;
 * reads of commits already present take no lock and never touch the network.
 */
final class AppMirror implements AutoCloseable {

    private static final List<RefSpec> ALL_BRANCHES_AND_TAGS = List.of(
            new RefSpec("+refs/heads/*:refs/heads/*"),
            new RefSpec("+refs/tags/*:refs/tags/*"));

    private final String app;
    private final Path dir;
    private final GitSsh ssh;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile BareMirror mirror;
    private Instant lastFetch;

    AppMirror(String app, Path dir, GitSsh ssh, Clock clock) {
        this.app = app;
        this.dir = dir;
        this.ssh = ssh;
        this.clock = clock;
    }

    /**
     * The commit {@code sha}, fetched from {@code source} only when the mirror lacks it.
     *
     * @throws MissingCommitException when {@code source} does not have it either
     */
    RevCommit ensure(String source, Sha sha) {
        ObjectId id = ObjectId.fromString(sha.hex());
        Optional<RevCommit> present = open().commit(id);
        if (present.isPresent()) {
            return present.get();
        }
        lock.lock();
        try {
            BareMirror mirror = open();
            if (mirror.commit(id).isEmpty()) {
                fetch(mirror, source);
            }
            return mirror.commit(id).orElseThrow(() -> new MissingCommitException(sha, source,
                    "commit " + sha + " not found in " + source + " (fetched " + lastFetch + ")"));
        } finally {
            lock.unlock();
        }
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
