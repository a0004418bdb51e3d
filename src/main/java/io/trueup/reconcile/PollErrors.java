package io.trueup.reconcile;

import io.trueup.TrueupException;
import io.trueup.git.TooLargeException;
import io.trueup.git.UntrustedCommitException;
import io.trueup.reconcile.ReconcileObserver.PollFailure;
import org.jboss.logging.Logger;

/**
 * What a poll that read no desired state tells: the text for the status, a count by reason for
 * the observer, and a log line. An unexpected exception is logged with its stack once, until a
 * poll succeeds or another one comes: a failure that repeats every poll does not flood the log.
 * Not thread-safe: the reconciler's cycle calls it, one at a time.
 */
final class PollErrors {

    private static final Logger LOG = Logger.getLogger(PollErrors.class);

    private final ReconcileObserver observer;
    private String logged = "";
    private String untrustedLogged = "";

    PollErrors(ReconcileObserver observer) {
        this.observer = observer;
    }

    /** Counts and logs {@code e}; returns the error to show in the status. */
    String failed(RuntimeException e) {
        if (e instanceof UntrustedCommitException) {
            untrusted(e.getMessage());
            return e.getMessage();
        }
        PollFailure reason = switch (e) {
            case TooLargeException tooLarge -> PollFailure.REFUSED;
            case TrueupException known -> PollFailure.FETCH;
            default -> PollFailure.INTERNAL;
        };
        observer.pollFailed(reason);
        if (reason != PollFailure.INTERNAL) {
            LOG.warnf("desired state: %s", e.getMessage());
            return e.getMessage();
        }
        String error = "unexpected error while reading desired state: " + e;
        if (!error.equals(logged)) {
            LOG.error(error + " (logged once until it changes or a poll succeeds)", e);
            logged = error;
        }
        return error + "; see trueup's log for its stack";
    }

    /**
     * Counts a poll whose newest commit is untrusted, {@code why} (the status shows it); logs it
     * once for as long as it stays the same.
     */
    void untrusted(String why) {
        observer.pollFailed(PollFailure.UNTRUSTED);
        if (!why.equals(untrustedLogged)) {
            LOG.warnf("desired state: %s", why);
            untrustedLogged = why;
        }
    }

    /** A poll read desired state: a failure that comes back is logged again. */
    void succeeded() {
        logged = "";
    }
}
