package io.trueup.reconcile;

import io.trueup.TrueupException;
import io.trueup.desired.AppEnv;
import io.trueup.desired.AppSpec;
import io.trueup.desired.DesiredEntry;
import io.trueup.desired.DesiredState;
import io.trueup.desired.DesiredStateParser;
import io.trueup.git.DesiredStateSource;
import io.trueup.git.Snapshot;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The last valid desired state of each app/environment across trueup's restarts. Keeps, in a
 * {@link LastValidStore}, the revision at which each was last valid; brings back the spec at
 * that revision for one whose newest desired state is invalid and that trueup has not seen
 * valid since it started. The spec brought back is read from the desired-state mirror, parsed
 * and checked ({@link EntryCheck}) exactly as the newest desired state is. Not thread-safe:
 * the reconciler calls it from its cycle, one at a time.
 */
final class LastValid {

    private static final Logger LOG = Logger.getLogger(LastValid.class);

    /** What {@link #recall} found for one app/environment. */
    sealed interface Recalled {

        /** The spec, checked and rendered, at the {@code revision} where it was last valid. */
        record Restored(AppSpec spec, String revision) implements Recalled {
        }

        /** A revision is kept but its spec cannot be used; {@code reason} says why, for the status. */
        record Unavailable(String reason) implements Recalled {
        }

        /** No revision is kept: the app/environment was never valid, or not since the store began. */
        record Unknown() implements Recalled {
        }
    }

    private final LastValidStore store;
    private final EntryCheck check;
    private final DesiredStateParser parser;
    private final String defaultUser;
    private final Map<AppEnv, String> reported = new HashMap<>();

    /** Parses what it recalls with {@code parser}, so that a state kept from before meets today's policy. */
    LastValid(LastValidStore store, EntryCheck check, DesiredStateParser parser, String defaultUser) {
        this.store = store;
        this.parser = parser;
        this.check = check;
        this.defaultUser = defaultUser;
    }

    /**
     * Keeps {@code valid}, the revision where each app/environment was valid last, and forgets
     * those no longer in {@code present}. A failed write is logged, not thrown: reconciling goes
     * on with the state in memory, and the write is tried again at the next call.
     */
    void keep(Set<AppEnv> present, Map<AppEnv, String> valid) {
        try {
            store.update(present, valid);
        } catch (TrueupException e) {
            LOG.warn(e.getMessage());
        }
    }

    /**
     * The last valid spec of each of {@code ids}, read at its kept revision from {@code source}
     * (without network). Each revision is read and parsed once.
     */
    Map<AppEnv, Recalled> recall(DesiredStateSource source, Collection<AppEnv> ids) {
        Map<String, Parsed> parsed = new HashMap<>();
        Map<AppEnv, Recalled> found = new HashMap<>();
        for (AppEnv id : ids) {
            Recalled recalled = store.revision(id)
                    .map(revision -> recall(id, revision, parsed.computeIfAbsent(revision, r -> read(source, r))))
                    .orElseGet(Recalled.Unknown::new);
            report(id, recalled);
            found.put(id, recalled);
        }
        return found;
    }

    /** Desired state at one revision, or why it cannot be read. */
    private record Parsed(Optional<DesiredState> state, Map<String, byte[]> files, String error) {
    }

    private Parsed read(DesiredStateSource source, String revision) {
        try {
            Snapshot snapshot = source.read(revision);
            return new Parsed(Optional.of(parser.parse(revision, snapshot.files(), snapshot.refused(), defaultUser)), snapshot.files(), "");
        } catch (TrueupException e) {
            return new Parsed(Optional.empty(), Map.of(), e.getMessage());
        }
    }

    private Recalled recall(AppEnv id, String revision, Parsed parsed) {
        String where = "the last valid desired state, at commit " + abbrev(revision) + ", ";
        String then = "; no host is reconciled until the desired state is valid again";
        if (parsed.state().isEmpty()) {
            return new Recalled.Unavailable(where + "cannot be read any more: " + parsed.error() + then);
        }
        DesiredEntry entry = parsed.state().get().entries().get(id);
        if (entry == null) {
            return new Recalled.Unavailable(where + "has no " + id + " any more" + then);
        }
        return switch (check.check(entry, parsed.files())) {
            case DesiredEntry.Valid valid -> new Recalled.Restored(valid.spec(), revision);
            case DesiredEntry.Invalid bad -> new Recalled.Unavailable(where + "is not valid any more ("
                    + bad.problems().get(0) + ")" + then);
        };
    }

    /** Logs what was recalled for {@code id}, once until it changes. */
    private void report(AppEnv id, Recalled recalled) {
        String text = switch (recalled) {
            case Recalled.Restored restored -> "newest desired state is invalid; reconciling the last valid one, at"
                    + " commit " + abbrev(restored.revision()) + ", kept from before trueup's restart";
            case Recalled.Unavailable unavailable -> unavailable.reason();
            case Recalled.Unknown unknown -> "";
        };
        if (!text.isEmpty() && !text.equals(reported.put(id, text))) {
            if (recalled instanceof Recalled.Restored) {
                LOG.infof("%s: %s", id, text);
            } else {
                LOG.warnf("%s: %s", id, text);
            }
        }
    }

    private static String abbrev(String revision) {
        return revision.length() > 7 ? revision.substring(0, 7) : revision;
    }
}
