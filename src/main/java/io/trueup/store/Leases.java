package io.trueup.store;

import io.trueup.desired.AppEnv;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Which replica may act on each app/environment's hosts, for how long. The scheduler (clustered
 * Quartz) decides which replica runs an app/environment's reconcile; the lease is what that
 * replica holds while it acts, so that a replica cut off from the database, or paused past its
 * time, stops acting before another takes over: it renews the lease before every step, and a
 * step is saved (and taken) only under a lease still held by the store's clock. With the
 * embedded default there is one process, and {@link #local()} grants every lease.
 */
public interface Leases {

    /** A lease: who holds it, until when (by the store's clock). */
    record Lease(AppEnv id, String owner, Instant expires) {
    }

    /** Leases of a single process: always granted, never lost. */
    static Leases local() {
        return new Leases() {
            @Override
            public boolean hold(AppEnv id, Duration ttl) {
                return true;
            }

            @Override
            public void release(AppEnv id) {
            }

            @Override
            public Optional<Lease> holder(AppEnv id) {
                return Optional.empty();
            }

            @Override
            public String replica() {
                return "local";
            }
        };
    }

    /**
     * Takes the lease of {@code id} for this replica, or renews it, until {@code ttl} from now by
     * the store's clock. False when another replica holds it and it has not expired.
     *
     * @throws RuntimeException when the store cannot be reached: the caller must not act
     */
    boolean hold(AppEnv id, Duration ttl);

    /**
     * Renews the lease of {@code id} for {@code ttl} from now, only while this replica holds it and
     * it has not run out: false otherwise (a lease given up, or lost, is not taken again by this).
     *
     * @throws RuntimeException when the store cannot be reached
     */
    default boolean renew(AppEnv id, Duration ttl) {
        return hold(id, ttl);
    }

    /** Gives the lease of {@code id} up, if this replica holds it. */
    void release(AppEnv id);

    /** Who holds the lease of {@code id} now, if anyone (an expired lease is nobody's). */
    Optional<Lease> holder(AppEnv id);

    /** This replica's name, the owner of the leases it takes. */
    String replica();
}
