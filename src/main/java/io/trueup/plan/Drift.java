package io.trueup.plan;

/** Ways a host can differ from its desired state. */
public enum Drift {
    /** Nothing of the app is deployed yet: no {@code current}. */
    MISSING_CURRENT,
    /** {@code current} is another release than the desired SHA. */
    WRONG_SHA,
    /** The current release's files differ from its commit (edited by hand). */
    MODIFIED,
    /** The env the release needs is missing or incomplete. */
    ENV_MISSING,
    /** The host runs the desired release but its health check fails. */
    HEALTH_FAILING
}
