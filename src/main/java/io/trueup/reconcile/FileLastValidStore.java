package io.trueup.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.trueup.TrueupException;
import io.trueup.desired.AppEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The desired-state revision (commit id) at which each app/environment was last valid, kept
 * across trueup's restarts so that one whose newest desired state is invalid can be reconciled
 * at its last valid state again. Kept in one JSON file, rewritten whole (a temporary file
 * renamed over it) when it changes, so a crash leaves the old or the new content, never a mix;
 * or in memory only, when made by {@link #inMemory()}. Thread-safe.
 */
public final class FileLastValidStore implements LastValidStore {

    /** The file's content: revisions by {@code app/env}. */
    record Content(Map<String, String> revisions) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Optional<Path> file;
    private final Map<String, String> revisions = new TreeMap<>();

    private FileLastValidStore(Optional<Path> file) {
        this.file = file;
    }

    /**
     * The store kept in {@code file}, read now if it exists.
     *
     * @throws TrueupException naming the file when it cannot be read
     */
    public static FileLastValidStore at(Path file) {
        FileLastValidStore store = new FileLastValidStore(Optional.of(file));
        if (Files.exists(file)) {
            try {
                Content content = JSON.readValue(file.toFile(), Content.class);
                if (content.revisions() != null) {
                    store.revisions.putAll(content.revisions());
                }
            } catch (IOException e) {
                throw new TrueupException("cannot read trueup's state file " + file + ": " + e.getMessage(), e);
            }
        }
        return store;
    }

    /** A store that forgets everything when trueup stops. */
    public static FileLastValidStore inMemory() {
        return new FileLastValidStore(Optional.empty());
    }

    /** The revision at which {@code id} was last valid, if any is kept. */
    @Override
    public synchronized Optional<String> revision(AppEnv id) {
        return Optional.ofNullable(revisions.get(id.toString()));
    }

    /**
     * Keeps {@code valid} (the revision at which each app/environment was last valid) and forgets
     * every app/environment not in {@code present}, the ones desired state still has; the others
     * in {@code present} keep what was kept. Writes the file only when that changes it.
     *
     * @throws TrueupException naming the file when it cannot be written
     */
    @Override
    public synchronized void update(Set<AppEnv> present, Map<AppEnv, String> valid) {
        Map<String, String> next = new TreeMap<>();
        for (AppEnv id : present) {
            String revision = valid.getOrDefault(id, revisions.get(id.toString()));
            if (revision != null) {
                next.put(id.toString(), revision);
            }
        }
        if (!next.equals(revisions)) {
            file.ifPresent(f -> save(f, next)); // first: a failed write is tried again at the next update
            revisions.clear();
            revisions.putAll(next);
        }
    }

    private static void save(Path file, Map<String, String> revisions) {
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".new");
            JSON.writeValue(temp.toFile(), new Content(revisions));
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new TrueupException("cannot write trueup's state file " + file + ": " + e.getMessage(), e);
        }
    }
}
