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
final class PendingUndeploys {

    private static final Logger LOG = Logger.getLogger(PendingUndeploys.class);

    /**
     * One host to undeploy.
     *
     * @param sha the SHA last desired for it, for the histories
     * @param requirementsHash the requirements hash last desired for it, for the histories
     * @param removedIn the desired-state revision that removed it
     * @param since when trueup saw it removed
     * @param approved whether an operator asked for the undeploy (trueup.undeploy=manual)
     * @param error why its last undeploy did not happen, if it did not
     * @param failed whether that was a host's step (not the network): then only an operator tries again
     */
    record Pending(Removal removal, String sha, String requirementsHash, String removedIn, Instant since,
            boolean approved, Optional<String> error, boolean failed) {

        Key key() {
            return new Key(removal.id(), removal.host());
        }

        Pending approve() {
            return new Pending(removal, sha, requirementsHash, removedIn, since, true, Optional.empty(), false);
        }

        Pending failed(String why, boolean transientFailure) {
            return new Pending(removal, sha, requirementsHash, removedIn, since, approved && transientFailure,
                    Optional.of(why), !transientFailure);
        }
    }

    /** Which host of which app/environment. */
    record Key(AppEnv id, HostAddress host) implements Comparable<Key> {
        @Override
        public int compareTo(Key other) {
            int byId = id.compareTo(other.id);
            return byId != 0 ? byId : host.compareTo(other.host);
        }
    }

    /** One entry as the file holds it. */
    record Stored(String app, String env, String host, String path, String user, String stop, String sha,
            String requirementsHash, String removedIn, Instant since, boolean approved, String error, boolean failed) {

        static Stored of(Pending p) {
            Removal r = p.removal();
            return new Stored(r.id().app(), r.id().env(), r.host().toString(), r.path(), r.user(),
                    r.stop().orElse(null), p.sha(), p.requirementsHash(), p.removedIn(), p.since(), p.approved(),
                    p.error().orElse(null), p.failed());
        }

        /** @throws IllegalArgumentException when a value breaks the desired-state rules */
        Pending pending() {
            Removal removal = new Removal(new AppEnv(app, env), HostAddress.parse(host), path, user,
                    Optional.ofNullable(stop));
            return new Pending(removal, String.valueOf(sha), String.valueOf(requirementsHash),
                    String.valueOf(removedIn), since == null ? Instant.EPOCH : since, approved,
                    Optional.ofNullable(error), failed);
        }
    }

    /** The file's content. */
    record Content(List<Stored> hosts) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final Map<Key, Pending> pending = new TreeMap<>();

    /** Reads {@code file} if it exists. */
    PendingUndeploys(Path file) {
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

    synchronized List<Pending> all() {
        return new ArrayList<>(pending.values());
    }

    synchronized List<Pending> of(AppEnv id) {
        return pending.values().stream().filter(p -> p.removal().id().equals(id)).toList();
    }

    synchronized Optional<Pending> get(Key key) {
        return Optional.ofNullable(pending.get(key));
    }

    /** Adds {@code p} unless its host is pending already (the first removal is the one that counts). */
    synchronized void add(Pending p) {
        if (pending.putIfAbsent(p.key(), p) == null) {
            save();
        }
    }

    /** Changes the entry of {@code key}, if there is one. */
    synchronized void update(Key key, UnaryOperator<Pending> change) {
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
    synchronized boolean remove(Key key) {
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
