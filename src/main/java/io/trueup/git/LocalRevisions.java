package io.trueup.git;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Desired state from any revision of an existing local repository (a working copy, found from
 * any directory inside it, or a bare repository), as a check of a proposed change reads both
 * of its sides. Files come from the commit's tree as {@link GitDesiredStateSource} reads them;
 * the working tree and index are never looked at and nothing is fetched.
 *
 * <p>Reads are safe from many threads; {@link #close} once done.
 */
public final class LocalRevisions implements AutoCloseable {

    private final Repository repository;
    private final String dir;
    private final Path where;

    private LocalRevisions(Repository repository, String dir, Path where) {
        this.repository = repository;
        this.dir = dir;
        this.where = where;
    }

    /**
     * Opens the repository that {@code path} is in.
     *
     * @param dir the directory of the repository that holds {@code apps/}; the root when empty
     * @throws GitException when {@code path} is in no git repository
     */
    public static LocalRevisions open(Path path, Optional<String> dir) {
        String directory = RepoPaths.directory(dir.orElse(""));
        try {
            FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(path.toAbsolutePath().toFile());
            if (builder.getGitDir() == null) {
                builder.setGitDir(path.toFile()).setBare();
            }
            Repository repository = builder.setMustExist(true).build();
            return new LocalRevisions(repository, directory, path);
        } catch (RepositoryNotFoundException e) {
            throw new GitException("no git repository at " + path, e);
        } catch (IOException | IllegalArgumentException e) {
            throw new GitException("cannot open the git repository at " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The desired-state files of {@code revision}: a commit id (full or abbreviated), a branch,
     * tag or remote-tracking ref, or an expression such as {@code HEAD~1}.
     *
     * @throws GitException when {@code revision} names no commit, or the directory is missing there
     */
    public Snapshot read(String revision) {
        return Snapshot.read(new CommitTree(repository, commit(revision), where), dir, where.toString());
    }

    /**
     * The desired-state files of {@code revision} in {@code directory}: a directory of the
     * repository's work tree (of the repository itself when bare), read from the commit's tree,
     * whatever the work tree holds there now.
     *
     * @throws GitException when {@code directory} is outside the repository, {@code revision}
     *     names no commit, or the directory is missing there
     */
    public Snapshot read(String revision, Path directory) {
        Path base = repository.isBare() ? repository.getDirectory().toPath() : repository.getWorkTree().toPath();
        Path relative = real(base).relativize(real(directory));
        String path = relative.toString().replace(java.io.File.separatorChar, '/');
        if (relative.isAbsolute() || path.equals("..") || path.startsWith("../")) {
            throw new GitException(directory + " is not inside the repository at " + base);
        }
        return Snapshot.read(new CommitTree(repository, commit(revision), where), RepoPaths.directory(path),
                where.toString());
    }

    /** {@code path} with its links resolved where it exists: the work tree may be reached by a link. */
    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }

    /**
     * Why the commit {@code revision} names is not accepted by {@code signed}, as
     * {@code untrusted commit <sha>: <reason>}; empty when it is.
     *
     * @throws GitException when {@code revision} names no commit
     */
    public Optional<String> untrusted(String revision, SignedCommits signed) {
        RevCommit commit = commit(revision);
        return signed.refusal(repository, commit).map(why -> "untrusted commit " + commit.name() + ": " + why);
    }

    private RevCommit commit(String revision) {
        try (RevWalk walk = new RevWalk(repository)) {
            ObjectId id = repository.resolve(revision + "^{commit}");
            if (id == null) {
                throw new GitException("revision " + revision + " not found in " + where);
            }
            return walk.parseCommit(id);
        } catch (IOException | RuntimeException e) {
            if (e instanceof GitException known) {
                throw known;
            }
            throw new GitException("revision " + revision + " not found in " + where + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        repository.close();
    }
}
