package io.trueup.status;

/** The state of one app/environment as a whole. */
public enum SyncStatus {
    /** Every host runs the desired release, pristine, with its env. */
    Synced,
    /** Some host differs from desired state and no rollout is running. */
    OutOfSync,
    /** A rollout is running. */
    Progressing,
    /** A host cannot be reached or a rollout failed for the network's sake; retried with backoff. */
    Degraded,
    /** A rollout failed on a host's step and stopped; not retried until desired state changes or a retry. */
    Halted,
    /** The desired state of this app/environment is invalid; the last valid one is kept. */
    Invalid,
    /**
     * Removed from desired state; its hosts run as they were until it is undeployed (by an
     * operator, or by trueup itself with {@code trueup.undeploy=auto}).
     */
    PendingUndeploy
}
