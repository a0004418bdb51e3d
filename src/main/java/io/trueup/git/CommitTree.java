package io.trueup.git;

import io.trueup.desired.FileLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;

/**
 * The files of one commit, read from its tree in the object database, never from a working
 * copy. Only regular files count (executable or not); submodules do not, and symbolic links
 * are refused where files are listed.
 * Safe to use from many threads.
 *
 * @param repository the repository holding the commit
 * @param commit the commit
 * @param where the repository's directory, for messages
 */
record CommitTree(Repository repository, RevCommit commit, Path where) {

    /** Whether {@code path} is a directory. */
    boolean isDirectory(String path) {
        try (TreeWalk walk = TreeWalk.forPath(repository, path, commit.getTree())) {
            return walk != null && walk.getFileMode(0) == FileMode.TREE;
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    /** Whether the tree has an entry at {@code path}, of any kind (file, link, directory, gitlink). */
    boolean has(String path) {
        try (TreeWalk walk = TreeWalk.forPath(repository, path, commit.getTree())) {
            return walk != null;
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    /** The commit the submodule entry (gitlink) at {@code path} pins, or empty when there is none. */
    Optional<org.eclipse.jgit.lib.ObjectId> gitlink(String path) {
        try (TreeWalk walk = TreeWalk.forPath(repository, path, commit.getTree())) {
            return walk != null && walk.getFileMode(0) == FileMode.GITLINK ? Optional.of(walk.getObjectId(0))
                    : Optional.empty();
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    /** The regular file at {@code path}, or empty when there is none. */
    Optional<byte[]> file(String path) {
        try (TreeWalk walk = TreeWalk.forPath(repository, path, commit.getTree())) {
            if (walk == null || !isRegularFile(walk.getFileMode(0))) {
                return Optional.empty();
            }
            return Optional.of(content(walk));
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    /**
     * The files below directory {@code path}, sorted: each regular file that {@code wanted}
     * accepts (by full path) loaded unless it is larger than {@link FileLimits#MAX_FILE_BYTES};
     * such a file, and every symbolic link, is refused with the reason, unloaded. Sizes are read from the
     * object headers before any content is loaded.
     *
     * @param repo the repository, for messages
     * @throws TooLargeException when the files to load hold more than {@link FileLimits#MAX_TOTAL_BYTES}
     */
    TreeFiles filesUnder(String path, Predicate<String> wanted, String repo) {
        Map<String, byte[]> files = new TreeMap<>();
        Map<String, String> refused = new TreeMap<>();
        long total = 0;
        try (TreeWalk walk = new TreeWalk(repository)) {
            walk.addTree(commit.getTree());
            walk.setRecursive(true);
            walk.setFilter(PathFilter.create(path));
            while (walk.next()) {
                String file = walk.getPathString();
                FileMode mode = walk.getFileMode(0);
                if (!file.startsWith(path + "/")) {
                    continue;
                }
                if (mode == FileMode.SYMLINK) {
                    refused.put(file, FileLimits.symbolicLinkReason());
                } else if (isRegularFile(mode) && wanted.test(file)) {
                    long size = walk.getObjectReader().getObjectSize(walk.getObjectId(0), Constants.OBJ_BLOB);
                    if (FileLimits.tooLarge(size)) {
                        refused.put(file, FileLimits.tooLargeReason(size));
                    } else if ((total += size) > FileLimits.MAX_TOTAL_BYTES) {
                        throw new TooLargeException(FileLimits.totalReason(
                                "commit " + commit.name().substring(0, 7) + " of " + repo, file));
                    } else {
                        files.put(file, content(walk));
                    }
                }
            }
            return new TreeFiles(files, refused);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    /** Files read from a tree, by full path: those loaded, and why each other one was refused. */
    record TreeFiles(Map<String, byte[]> files, Map<String, String> refused) {
    }

    private static byte[] content(TreeWalk walk) throws IOException {
        return walk.getObjectReader().open(walk.getObjectId(0), Constants.OBJ_BLOB).getBytes();
    }

    private static boolean isRegularFile(FileMode mode) {
        return mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE;
    }

    private GitException unreadable(IOException e) {
        return new GitException("cannot read commit " + commit.name() + " in " + where + ": " + e.getMessage(), e);
    }
}
