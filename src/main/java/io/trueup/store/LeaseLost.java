package io.trueup.store;

import io.trueup.TrueupException;
import io.trueup.desired.AppEnv;
import java.util.Optional;

/**
 * A replica tried to save a rollout step of an app/environment whose lease it does not hold (any
 * more): it expired, or another replica took it over. Nothing was saved, and the step it preceded
 * must not be taken; the replica holding the lease goes on from the last record saved.
 */
public final class LeaseLost extends TrueupException {

    private final AppEnv id;
    private final String replica;
    private final Optional<Leases.Lease> holder;

    /** @param holder the replica holding the lease now, unexpired; empty when none does */
    public LeaseLost(AppEnv id, String replica, Optional<Leases.Lease> holder) {
        super("replica " + replica + " does not hold the lease of " + id + " (" + describe(replica, holder)
                + "): its rollout step is not saved, nor taken");
        this.id = id;
        this.replica = replica;
        this.holder = holder;
    }

    private static String describe(String replica, Optional<Leases.Lease> holder) {
        return holder.map(lease -> "replica " + lease.owner() + " holds it, until " + lease.expires())
                .orElse("no replica holds it: it expired or was released");
    }

    public AppEnv id() {
        return id;
    }

    public String replica() {
        return replica;
    }

    /** The replica holding the lease when the save was refused, if one did. */
    public Optional<Leases.Lease> holder() {
        return holder;
    }
}
