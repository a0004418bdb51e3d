package io.trueup.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.trueup.TrueupException;
import io.trueup.desired.AppEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What trueup must remember across its own restarts, per app/environment: halted rollouts,
 * pauses, and the spec last rolled out completely. Kept in one JSON file, rewritten whole
 * (a temporary file renamed over it) on every change, so a crash leaves the old or the new
 * content, never a mix. Thread-safe.
 */
public final class FileControlStore implements ControlStore {

    /** The file's content. */
    record Content(Map<String, Halt> halts, Set<String> paused, Map<String, String> applied) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final Map<String, Halt> halts = new TreeMap<>();
    private final Set<String> paused = new TreeSet<>();
    private final Map<String, String> applied = new TreeMap<>();

    /** Reads {@code file} if it exists. */
    public FileControlStore(Path file) {
        this.file = file;
        if (Files.exists(file)) {
            try {
                Content content = JSON.readValue(file.toFile(), Content.class);
                if (content.halts() != null) {
                    halts.putAll(content.halts());
                }
                if (content.paused() != null) {
                    paused.addAll(content.paused());
                }
                if (content.applied() != null) {
                    applied.putAll(content.applied());
                }
            } catch (IOException e) {
                throw new TrueupException("cannot read trueup's state file " + file + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public synchronized Optional<Halt> halt(AppEnv id) {
        return Optional.ofNullable(halts.get(id.toString()));
    }

    @Override
    public synchronized void halt(AppEnv id, Halt halt) {
        halts.put(id.toString(), halt);
        save();
    }

    @Override
    public synchronized boolean clearHalt(AppEnv id) {
        boolean had = halts.remove(id.toString()) != null;
        if (had) {
            save();
        }
        return had;
    }

    @Override
    public synchronized boolean paused(AppEnv id) {
        return paused.contains(id.toString());
    }

    @Override
    public synchronized void pause(AppEnv id, boolean pause) {
        boolean changed = pause ? paused.add(id.toString()) : paused.remove(id.toString());
        if (changed) {
            save();
        }
    }

    @Override
    public synchronized Optional<String> applied(AppEnv id) {
        return Optional.ofNullable(applied.get(id.toString()));
    }

    @Override
    public synchronized void applied(AppEnv id, String key) {
        if (!key.equals(applied.put(id.toString(), key))) {
            save();
        }
    }

    /**
     * Forgets the halts, pauses and applied specs of every app/environment not in {@code present}
     * (those removed from desired state), so the file does not keep them for ever; writes the file
     * only when something was forgotten. Returns whether something was.
     */
    @Override
    public synchronized boolean retain(Set<AppEnv> present) {
        Set<String> keep = new TreeSet<>();
        present.forEach(id -> keep.add(id.toString()));
        boolean changed = halts.keySet().retainAll(keep) | paused.retainAll(keep) | applied.keySet().retainAll(keep);
        if (changed) {
            save();
        }
        return changed;
    }

    private void save() {
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".new");
            JSON.writeValue(temp.toFile(), new Content(halts, paused, applied));
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new TrueupException("cannot write trueup's state file " + file + ": " + e.getMessage(), e);
        }
    }
}
