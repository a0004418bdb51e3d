package io.trueup.rollout;

/** Where one host stands in a rollout, as recorded before and after each step. */
public enum Phase {
    /** Not started yet, or to be started again (it was found not switched after trueup restarted). */
    PENDING,
    /** Its deploy started: a release or env may be in the making; {@code current} not yet switched. */
    PREPARING,
    /** The release and env are made; {@code current} is about to switch. */
    PREPARED,
    /** {@code current} points at the new release; not yet found healthy. */
    SWITCHED,
    /** Switched, restarted and healthy: done. */
    HEALTHY,
    /** Its deploy failed; back on its previous release when its step came after the switch. */
    FAILED,
    /** Switched back to the release it ran before, because the rollout was aborted or rolled back whole. */
    ROLLED_BACK;

    /** Whether the host is done with this rollout, one way or the other. */
    public boolean settled() {
        return this == HEALTHY || this == FAILED || this == ROLLED_BACK;
    }

    /** Whether its deploy was cut off with no outcome: trueup stopped while it ran. */
    public boolean interrupted() {
        return this == PREPARING || this == PREPARED || this == SWITCHED;
    }

    /** The lower-case name, as the API and dashboard show it. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
