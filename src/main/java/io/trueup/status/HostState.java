package io.trueup.status;

/** The state of one host of an app/environment. */
public enum HostState {
    /** Not inspected yet. */
    Unknown,
    /** Runs the desired release. */
    Synced,
    /** Differs from desired state; see its drift. */
    OutOfSync,
    /** A deploy step is running on it. */
    Deploying,
    /** Its deploy failed; see error and whether it was rolled back. */
    Failed,
    /** It could not be inspected or reached. */
    Unreachable,
    /** Removed from desired state; runs as it was until it is undeployed. See its detail and error. */
    PendingUndeploy
}
