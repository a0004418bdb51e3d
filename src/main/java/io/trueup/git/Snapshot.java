package io.trueup.git;

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
 * @param files every regular file under {@code apps/} of the configured directory, keyed by
 *     its path relative to that directory ({@code apps/hello/app.yaml}), sorted by path
 */
public record Snapshot(String revision, Instant commitTime, Map<String, byte[]> files) {

    public Snapshot {
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(commitTime, "commitTime");
        files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
    }

    /**
     * The snapshot of {@code tree}: every regular file under {@code apps/} of directory
     * {@code dir} ("" for the root), keyed relative to {@code dir}.
     *
     * @param where the repository, for messages
     * @throws GitException when {@code dir} is not a directory at that commit
     */
    static Snapshot read(CommitTree tree, String dir, String where) {
        String prefix = dir.isEmpty() ? "" : dir + "/";
        if (!dir.isEmpty() && !tree.isDirectory(dir)) {
            throw new GitException("directory " + dir + " not found at commit "
                    + tree.commit().name().substring(0, 7) + " of " + where);
        }
        Map<String, byte[]> files = new TreeMap<>();
        tree.filesUnder(prefix + "apps")
                .forEach((path, content) -> files.put(path.substring(prefix.length()), content));
        return new Snapshot(tree.commit().name(), Instant.ofEpochSecond(tree.commit().getCommitTime()), files);
    }

    /** The content of {@code path}, or empty when the snapshot has no such file. */
    public Optional<byte[]> file(String path) {
        return Optional.ofNullable(files.get(path));
    }
}
