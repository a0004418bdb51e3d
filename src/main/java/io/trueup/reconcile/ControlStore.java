package io.trueup.reconcile;

import io.trueup.desired.AppEnv;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * What trueup must remember per app/environment, across its own restarts and, with
 * {@code trueup.store=postgresql}, across its replicas: halted rollouts, pauses, and the spec
 * last rolled out completely. Every method reads or writes the store itself, so a pause set on
 * one replica is seen by the next decision of whichever replica reconciles the app/environment.
 * Implementations are thread-safe: {@link FileControlStore} (one file of the state directory)
 * and {@code io.trueup.store.PostgresControlStore}.
 */
public interface ControlStore {

    /** A rollout of {@code key} (SHA and requirements hash) that failed and is not retried by itself. */
    record Halt(String key, String error, Instant since) {
    }

    Optional<Halt> halt(AppEnv id);

    void halt(AppEnv id, Halt halt);

    /** Forgets the halt of {@code id}; true if there was one. */
    boolean clearHalt(AppEnv id);

    boolean paused(AppEnv id);

    void pause(AppEnv id, boolean pause);

    /** The key of the spec last rolled out to every host of {@code id}, if any. */
    Optional<String> applied(AppEnv id);

    void applied(AppEnv id, String key);

    /**
     * Forgets the halts, pauses and applied specs of every app/environment not in {@code present}
     * (those removed from desired state). Returns whether something was forgotten.
     */
    boolean retain(Set<AppEnv> present);
}
