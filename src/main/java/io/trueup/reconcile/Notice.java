package io.trueup.reconcile;

import io.trueup.desired.AppEnv;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Something a person should hear of, raised once per occurrence (not at every poll): a rollout
 * started, finished or halted, a host rolled back, a host unreachable past
 * {@code trueup.retry.max-attempts} and back again, a desired state that turned invalid. Its
 * {@code message} is a status text, with the app's secrets masked as the status masks them.
 *
 * @param event what happened
 * @param id the app/environment
 * @param sha the app commit it concerns (the last valid one for an invalid desired state); empty if none
 * @param revision the desired-state commit it concerns
 * @param status the app/environment's status word ({@code Synced}, {@code Halted}, ...)
 * @param message one line (or a few, with a step's output) a person can act on
 */
public record Notice(Event event, AppEnv id, Optional<String> sha, String revision, String status, String message) {

    public Notice {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(sha, "sha");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(message, "message");
    }

    /** What a notice tells of. */
    public enum Event {
        /** A rollout started (only commit statuses take it, as {@code pending}). */
        STARTED,
        /** A rollout ran to its end: every host it worked on was tried. */
        FINISHED,
        /** A rollout halted on a failed step, gave up on a host, or was aborted. */
        HALTED,
        /** A host was switched back to its previous release. */
        ROLLBACK,
        /** A host failed for the network's sake {@code trueup.retry.max-attempts} times in a row. */
        UNREACHABLE,
        /** A host reported unreachable answered again. */
        REACHABLE,
        /** The newest desired state of the app/environment turned invalid. */
        INVALID;

        /** The lower-case name, as in the {@code event} of a webhook's body. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
