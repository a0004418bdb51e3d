package io.trueup.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.trueup.TrueupException;
import io.trueup.desired.AppEnv;
import io.trueup.desired.HostAddress;
import io.trueup.desired.Removal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * The hosts that left desired state and are not undeployed yet, kept across restarts of trueup
 * in one JSON file, rewritten whole (a temporary file renamed over it) on every change, so a
 * crash leaves the old or the new content, never a mix. Only what an undeploy needs is kept (no
 * spec: its rendered config may hold secrets), and each entry is checked again when read: one that
 * fails the desired-state rules is dropped with a warning naming the file. Thread-safe.
 */
public final class FilePendingUndeploys implements PendingUndeploys {

    private static final Logger LOG = Logger.getLogger(FilePendingUndeploys.class);

    /** The file's content. */
    record Content(List<Stored> hosts) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final Map<Key, Pending> pending = new TreeMap<>();

    /** Reads {@code file} if it exists. */
    public FilePendingUndeploys(Path file) {
        this.file = file;
        if (!Files.exists(file)) {
            return;
        }
        Content content;
        try {
            content = JSON.readValue(file.toFile(), Content.class);
        } catch (IOException e) {
            throw new TrueupException("cannot read trueup's state file " + file + ": " + e.getMessage(), e);
        }
        for (Stored stored : content.hosts() == null ? List.<Stored>of() : content.hosts()) {
            try {
                Pending p = stored.pending();
                pending.put(p.key(), p);
            } catch (IllegalArgumentException | NullPointerException e) {
                LOG.warnf("%s: pending undeploy of %s/%s on %s dropped, not undeployed: %s", file, stored.app(),
                        stored.env(), stored.host(), e.getMessage());
            }
        }
    }

    @Override
    public synchronized List<Pending> all() {
        return new ArrayList<>(pending.values());
    }

    @Override
    public synchronized List<Pending> of(AppEnv id) {
        return pending.values().stream().filter(p -> p.removal().id().equals(id)).toList();
    }

    @Override
    public synchronized Optional<Pending> get(Key key) {
        return Optional.ofNullable(pending.get(key));
    }

    /** Adds {@code p} unless its host is pending already (the first removal is the one that counts). */
    @Override
    public synchronized void add(Pending p) {
        if (pending.putIfAbsent(p.key(), p) == null) {
            save();
        }
    }

    /** Changes the entry of {@code key}, if there is one. */
    @Override
    public synchronized void update(Key key, UnaryOperator<Pending> change) {
        Pending before = pending.get(key);
        if (before != null) {
            Pending after = change.apply(before);
            if (!after.equals(before)) {
                pending.put(key, after);
                save();
            }
        }
    }

    /** Forgets the entry of {@code key}; true if there was one. */
    @Override
    public synchronized boolean remove(Key key) {
        boolean had = pending.remove(key) != null;
        if (had) {
            save();
        }
        return had;
    }

    private void save() {
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".new");
            JSON.writeValue(temp.toFile(), new Content(pending.values().stream().map(Stored::of).toList()));
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new TrueupException("cannot write trueup's state file " + file + ": " + e.getMessage(), e);
        }
    }
}
