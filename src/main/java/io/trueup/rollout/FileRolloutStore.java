package io.trueup.rollout;

import io.trueup.TrueupException;
import io.trueup.desired.AppEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The running rollouts, one JSON file per app/environment under a directory of the state
 * directory ({@code rollouts/<app>.<env>.json}), each rewritten whole (a temporary file renamed
 * over it) at every change, so a crash leaves the record before or after a step, never a mix.
 * Read back when trueup starts. Thread-safe.
 */
public final class FileRolloutStore implements RolloutStore {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(FileRolloutStore.class);


    private final Path dir;
    private final Map<AppEnv, RolloutRecord> records = new ConcurrentHashMap<>();

    /**
     * Reads the records in {@code dir}, if any. A file that cannot be read as a record (written
     * by hand, or by another version of trueup) is renamed {@code <name>.unreadable} and its
     * rollout forgotten, with an error in the log naming it: the next reconcile of that
     * app/environment plans afresh from what inspection finds, and the other rollouts go on.
     */
    public FileRolloutStore(Path dir) {
        this.dir = dir;
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> listed = Files.list(dir)) {
            files = listed.filter(f -> f.getFileName().toString().endsWith(".json")).toList();
        } catch (IOException e) {
            throw new TrueupException("cannot read the rollouts in " + dir + ": " + e.getMessage(), e);
        }
        for (Path file : files) {
            try {
                RolloutRecord record = RecordJson.read(Files.readString(file));
                records.put(record.id(), record);
            } catch (IOException | RuntimeException e) {
                Path aside = file.resolveSibling(file.getFileName() + ".unreadable");
                LOG.errorf("cannot read the rollout record %s (%s): set aside as %s; its app/environment is"
                        + " planned afresh from its hosts", file, e.getMessage(), aside);
                try {
                    Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException moving) {
                    throw new TrueupException("cannot set aside the unreadable rollout record " + file + ": "
                            + moving.getMessage(), moving);
                }
            }
        }
    }

    @Override
    public Optional<RolloutRecord> get(AppEnv id) {
        return Optional.ofNullable(records.get(id));
    }

    /** Writes {@code record}, keeping an abort asked for meanwhile; returns the record as saved. */
    @Override
    public RolloutRecord save(RolloutRecord record) {
        return records.compute(record.id(), (id, before) -> {
            RolloutRecord saved = before != null && before.abort() && !record.abort()
                    && before.started().equals(record.started()) ? record.aborting() : record;
            write(saved);
            return saved;
        });
    }

    /** Asks the rollout of {@code id} to abort; false when none runs. */
    @Override
    public boolean abort(AppEnv id) {
        return update(id, RolloutRecord::aborting);
    }

    private boolean update(AppEnv id, UnaryOperator<RolloutRecord> change) {
        return records.computeIfPresent(id, (key, record) -> {
            RolloutRecord changed = change.apply(record);
            write(changed);
            return changed;
        }) != null;
    }

    /** Forgets the rollout of {@code id}: it is over. */
    @Override
    public void remove(AppEnv id) {
        records.computeIfPresent(id, (key, record) -> {
            if (dir != null) {
                try {
                    Files.deleteIfExists(file(id));
                } catch (IOException e) {
                    throw new TrueupException("cannot remove " + file(id) + ": " + e.getMessage(), e);
                }
            }
            return null;
        });
    }

    /** Forgets the rollouts of app/environments not in {@code present}: removed from desired state. */
    @Override
    public void retain(java.util.Set<AppEnv> present) {
        records.keySet().stream().filter(id -> !present.contains(id)).toList().forEach(this::remove);
    }

    private Path file(AppEnv id) {
        return dir.resolve(id.app() + "." + id.env() + ".json");
    }

    private void write(RolloutRecord record) {
        if (dir == null) {
            return;
        }
        Path file = file(record.id());
        try {
            Files.createDirectories(dir);
            Path temp = file.resolveSibling(file.getFileName() + ".new");
            Files.writeString(temp, RecordJson.write(record));
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new TrueupException("cannot write the rollout record " + file + ": " + e.getMessage(), e);
        }
    }
}
