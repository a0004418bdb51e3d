package io.trueup.status;

import io.trueup.desired.AppEnv;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Where the {@link StatusBoard} keeps the status of desired state and of each app/environment:
 * in this process ({@link #inMemory}), or with {@code trueup.store=postgresql} in the database,
 * so that every replica serves the same status whichever reconciled it. Thread-safe; a change
 * ({@link #update}, {@link #updateDesired}) is applied atomically against what is stored.
 */
public interface StatusStore {

    /** Statuses held by this process only: the embedded default. */
    static StatusStore inMemory(DesiredStateStatus initial) {
        return new MemoryStatusStore(initial);
    }

    DesiredStateStatus desired();

    void updateDesired(UnaryOperator<DesiredStateStatus> change);

    /** Every app/environment's status, ordered by app/environment. */
    List<AppStatus> apps();

    Optional<AppStatus> app(AppEnv id);

    void put(AppStatus status);

    /** Applies {@code change} to the app's status, if it has one. */
    void update(AppEnv id, UnaryOperator<AppStatus> change);

    void forget(AppEnv id);

    /** Forgets every app/environment not in {@code keep}. */
    void retain(Set<AppEnv> keep);
}
