package io.trueup.plan;

/** Ways a host can differ from its desired state. */
public enum Drift {
    /** Nothing of the app is deployed yet: no {@code current}. */
    MISSING_CURRENT,
    /** {@code current} is another release than the desired SHA. */
    WRONG_SHA,
    /**
     * {@code current} is the desired SHA with other config rendered into it: a template, a
     * variable or a secret changed since.
     */
    CONFIG_CHANGED,
    /** The current release's files differ from its commit, or from the config rendered for it (edited by hand). */
    MODIFIED,
    /** The env the release needs is missing or incomplete. */
    ENV_MISSING,
    /**
     * The host runs the desired release, but {@code hooks.beforeSwitch} took it out of its load
     * balancer and {@code hooks.afterSwitch} has not put it back (trueup was stopped or lost the
     * host between them).
     */
    DRAINED,
    /** The host runs the desired release but its health check fails. */
    HEALTH_FAILING
}
