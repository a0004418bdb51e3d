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

    /** The content of {@code path}, or empty when the snapshot has no such file. */
    public Optional<byte[]> file(String path) {
        return Optional.ofNullable(files.get(path));
    }
}
