package io.trueup.reconcile;

import io.trueup.desired.AppEnv;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The desired-state revision (commit id) at which each app/environment was last valid, kept
 * across trueup's restarts (and shared by its replicas) so that one whose newest desired state
 * is invalid can be reconciled at its last valid state again. Implementations are thread-safe:
 * {@link FileLastValidStore} and {@code io.trueup.store.PostgresLastValidStore}.
 */
public interface LastValidStore {

    /**
     * The store kept in {@code file}, read now if it exists.
     *
     * @throws io.trueup.TrueupException naming the file when it cannot be read
     */
    static LastValidStore at(Path file) {
        return FileLastValidStore.at(file);
    }

    /** A store that forgets everything when trueup stops. */
    static LastValidStore inMemory() {
        return FileLastValidStore.inMemory();
    }

    /** The revision at which {@code id} was last valid, if any is kept. */
    Optional<String> revision(AppEnv id);

    /**
     * Keeps {@code valid} (the revision at which each app/environment was last valid) and forgets
     * every app/environment not in {@code present}, the ones desired state still has; the others
     * in {@code present} keep what was kept.
     */
    void update(Set<AppEnv> present, Map<AppEnv, String> valid);
}
