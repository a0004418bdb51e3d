package io.trueup.git;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;

/**
 * The files of one commit, read from its tree in the object database, never from a working
 * copy. Only regular files count (executable or not); symbolic links and submodules do not.
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

    /** Every regular file below directory {@code path}, keyed by its full path, sorted. */
    Map<String, byte[]> filesUnder(String path) {
        Map<String, byte[]> files = new TreeMap<>();
        try (TreeWalk walk = new TreeWalk(repository)) {
            walk.addTree(commit.getTree());
            walk.setRecursive(true);
            walk.setFilter(PathFilter.create(path));
            while (walk.next()) {
                if (isRegularFile(walk.getFileMode(0)) && walk.getPathString().startsWith(path + "/")) {
                    files.put(walk.getPathString(), content(walk));
                }
            }
            return files;
        } catch (IOException e) {
            throw unreadable(e);
        }
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
