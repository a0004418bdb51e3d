package io.trueup.git;

import io.trueup.desired.DesiredStateParser;
import io.trueup.desired.FileLimits;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The desired-state files of one commit, as stored in the commit's tree.
 *
 * @param revision the full commit id
 * @param commitTime when the commit was made (its committer time)
 * @param files every file under {@code apps/} of the configured directory that trueup reads
 *     ({@link DesiredStateParser#reads}), keyed by its path relative to that directory
 *     ({@code apps/hello/app.yaml}), sorted by path
 * @param refused the files trueup would read but did not, keyed the same way, with why: larger
 *     than {@link FileLimits#MAX_FILE_BYTES}, or a symbolic link (any under {@code apps/})
 * @param untrusted when a fetch found the branch's newest commit unsigned or signed by a key
 *     trueup does not accept ({@link SignedCommits}): {@code untrusted commit <sha>: <reason>};
 *     this snapshot is then of the last commit accepted
 */
public record Snapshot(String revision, Instant commitTime, Map<String, byte[]> files, Map<String, String> refused,
        Optional<String> untrusted) {

    public Snapshot {
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(commitTime, "commitTime");
        Objects.requireNonNull(untrusted, "untrusted");
        files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
        refused = Collections.unmodifiableSortedMap(new TreeMap<>(refused));
    }

    /** A snapshot of a commit accepted as the branch's newest. */
    public Snapshot(String revision, Instant commitTime, Map<String, byte[]> files, Map<String, String> refused) {
        this(revision, commitTime, files, refused, Optional.empty());
    }

    /** A snapshot with every file read. */
    public Snapshot(String revision, Instant commitTime, Map<String, byte[]> files) {
        this(revision, commitTime, files, Map.of());
    }

    /**
     * The snapshot of {@code tree}: the files under {@code apps/} of directory {@code dir} ("" for
     * the root) that trueup reads, keyed relative to {@code dir}, each checked for size before it
     * is loaded.
     *
     * @param where the repository, for messages
     * @throws TooLargeException when those files hold more than {@link FileLimits#MAX_TOTAL_BYTES}
     * @throws GitException when {@code dir} is not a directory at that commit
     */
    static Snapshot read(CommitTree tree, String dir, String where) {
        String prefix = dir.isEmpty() ? "" : dir + "/";
        if (!dir.isEmpty() && !tree.isDirectory(dir)) {
            throw new GitException("directory " + dir + " not found at commit "
                    + tree.commit().name().substring(0, 7) + " of " + where);
        }
        CommitTree.TreeFiles read = tree.filesUnder(prefix + "apps",
                path -> DesiredStateParser.reads(path.substring(prefix.length())), where);
        Map<String, byte[]> files = new TreeMap<>();
        read.files().forEach((path, content) -> files.put(path.substring(prefix.length()), content));
        Map<String, String> refused = new TreeMap<>();
        read.refused().forEach((path, reason) -> refused.put(path.substring(prefix.length()), reason));
        return new Snapshot(tree.commit().name(), Instant.ofEpochSecond(tree.commit().getCommitTime()), files,
                refused);
    }

    /** This snapshot, read in place of the branch's newest commit, refused for {@code why}. */
    Snapshot insteadOfUntrusted(String why) {
        return new Snapshot(revision, commitTime, files, refused, Optional.of(why));
    }

    /** The content of {@code path}, or empty when the snapshot has no such file. */
    public Optional<byte[]> file(String path) {
        return Optional.ofNullable(files.get(path));
    }
}
