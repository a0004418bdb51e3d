package io.trueup.status;

/** The state of one app/environment as a whole. */
public enum SyncStatus {
    /** Every host runs the desired release, pristine, with its env. */
    Synced,
    /** Some host differs from desired state and no rollout is running. */
    OutOfSync,
    /** A rollout is running. */
    Progressing,
    /** A rollout failed, or a host cannot be reached. */
    Degraded,
    /** The desired state of this app/environment is invalid; the last valid one is kept. */
    Invalid
}
