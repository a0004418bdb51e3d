package io.trueup.rollout;

import io.trueup.desired.AppEnv;
import java.util.Optional;
import java.util.Set;

/**
 * The running rollouts, one record per app/environment, saved before each step so that a
 * rollout goes on after a restart of trueup, or on another replica, from where it was. Every
 * method reads or writes the store itself. Implementations are thread-safe:
 * {@link FileRolloutStore} (a directory of the state directory) and
 * {@code io.trueup.store.PostgresRolloutStore}, whose {@link #save} also fails when this replica no
 * longer holds the app/environment's lease ({@code io.trueup.store.Leases}).
 */
public interface RolloutStore {

    /** A store that keeps its records in memory only, for tools and tests. */
    static RolloutStore inMemory() {
        return new FileRolloutStore(null);
    }

    Optional<RolloutRecord> get(AppEnv id);

    /**
     * Writes {@code record}, keeping an abort asked for meanwhile; returns the record as saved.
     *
     * @throws RuntimeException when it cannot be saved: the step it precedes must not be taken
     */
    RolloutRecord save(RolloutRecord record);

    /** Asks the rollout of {@code id} to abort; false when none runs. */
    boolean abort(AppEnv id);

    /**
     * Checks, before a command is sent to a host of {@code id}, that this controller may still act
     * on them: always with one trueup; with replicas, only while this replica holds the
     * app/environment's lease, by the database's clock.
     *
     * @throws RuntimeException when it may not (with replicas, {@code io.trueup.store.LeaseLost}), or
     *     the store cannot tell: the command must not be sent
     */
    default void mayAct(AppEnv id) {
    }

    /** Forgets the rollout of {@code id}: it is over. */
    void remove(AppEnv id);

    /** Forgets the rollouts of app/environments not in {@code present}: removed from desired state. */
    void retain(Set<AppEnv> present);
}
