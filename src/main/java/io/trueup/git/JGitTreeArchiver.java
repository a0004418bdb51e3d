package io.trueup.git;

import io.trueup.desired.Sha;
import io.trueup.ssh.RemoteCommand;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * {@link TreeArchiver} over the apps' local mirrors ({@link AppMirrors}), with Apache Commons
 * Compress writing the tar (POSIX headers for long names and big sizes). A submodule is the tree of
 * its commit, looked up in the same mirror, where the submodules' commits are fetched; its files go
 * in at the submodule's path, recursively. The submodules are those {@link AppMirrors} finds for the
 * commit, as a push of it sends them (a {@code .gitmodules} entry for each, within the same limits);
 * any other gitlink is an empty directory, as git's checkout leaves it. Every entry has the commit's
 * time as its time.
 */
public final class JGitTreeArchiver implements TreeArchiver {

    private final AppMirrors mirrors;

    public JGitTreeArchiver(AppMirrors mirrors) {
        this.mirrors = mirrors;
    }

    @Override
    public RemoteCommand.Source archive(String app, Sha sha) {
        RevCommit commit = mirrors.localCommit(app, sha);
        Repository repository = mirrors.repository(app);
        Set<String> modules = mirrors.localSubmodules(app, sha).stream().map(Submodule::path)
                .collect(Collectors.toUnmodifiableSet());
        Commit at = new Commit(app, sha, commit.getCommitTime(), modules);
        // Checked whole before a byte goes out: a missing submodule is an error of the release, not a cut stream.
        try (ObjectReader reader = repository.newObjectReader()) {
            walk(reader, commit.getTree(), "", Optional.empty(), at);
        } catch (IOException e) {
            throw new GitException("cannot read commit " + sha.abbrev() + " of app " + app + ": " + e.getMessage(), e);
        }
        return out -> write(repository, commit, at, out);
    }

    /** The commit being archived: its app, its SHA, its time, and the paths of its submodules. */
    private record Commit(String app, Sha sha, int time, Set<String> modules) {
    }

    private static void write(Repository repository, RevCommit commit, Commit at, OutputStream out)
            throws IOException {
        try (ObjectReader reader = repository.newObjectReader();
                TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            walk(reader, commit.getTree(), "", Optional.of(tar), at);
            tar.finish();
        }
    }

    /**
     * Goes through {@code tree} at {@code prefix}, into its submodules, writing each file and link
     * to {@code tar} when given (else only checking that every object is there). At most as deep
     * as {@code at}'s submodules go: a gitlink that is none of them is an empty directory.
     */
    private static void walk(ObjectReader reader, RevTree tree, String prefix, Optional<TarArchiveOutputStream> tar,
            Commit at) throws IOException {
        try (TreeWalk walk = new TreeWalk(reader)) {
            walk.addTree(tree);
            walk.setRecursive(true);
            while (walk.next()) {
                String path = prefix + walk.getPathString();
                FileMode mode = walk.getFileMode(0);
                ObjectId id = walk.getObjectId(0);
                if (mode == FileMode.GITLINK && at.modules().contains(path)) {
                    walk(reader, submodule(reader, id, path, at.app(), at.sha()), path + "/", tar, at);
                } else if (tar.isPresent()) {
                    entry(reader, tar.get(), path, mode, id, at.time());
                }
            }
        }
    }

    /** The tree of the submodule at {@code path}, commit {@code id}, from the same mirror. */
    private static RevTree submodule(ObjectReader reader, ObjectId id, String path, String app, Sha sha)
            throws IOException {
        try (RevWalk walk = new RevWalk(reader)) {
            return walk.parseCommit(id).getTree();
        } catch (MissingObjectException e) {
            String mirror = "the local mirror of app " + app;
            throw new MissingCommitException(new Sha(id.name()), mirror, "submodule " + path + " of commit "
                    + sha.abbrev() + " is at commit " + id.name() + ", which is not in " + mirror
                    + ": it was not fetched with the app's commit, so its files cannot be sent");
        }
    }

    private static void entry(ObjectReader reader, TarArchiveOutputStream tar, String path, FileMode mode,
            ObjectId id, int time) throws IOException {
        TarArchiveEntry entry;
        byte[] link = null;
        if (mode == FileMode.SYMLINK) {
            link = reader.open(id, Constants.OBJ_BLOB).getBytes();
            entry = new TarArchiveEntry(path, TarConstants.LF_SYMLINK);
            entry.setLinkName(new String(link, StandardCharsets.UTF_8));
            entry.setMode(0120777);
        } else if (mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE) {
            entry = new TarArchiveEntry(path, true);
            entry.setMode(mode == FileMode.EXECUTABLE_FILE ? 0100755 : 0100644);
            entry.setSize(reader.getObjectSize(id, Constants.OBJ_BLOB));
        } else if (mode == FileMode.GITLINK) {
            entry = new TarArchiveEntry(path + "/", TarConstants.LF_DIR); // not a submodule: left empty
            entry.setMode(040755);
        } else {
            return; // a tree: the files make their directories
        }
        entry.setModTime(time * 1000L);
        tar.putArchiveEntry(entry);
        if (link == null && !entry.isDirectory()) {
            reader.open(id, Constants.OBJ_BLOB).copyTo(tar);
        }
        tar.closeArchiveEntry();
    }
}
