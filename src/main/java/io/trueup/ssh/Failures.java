package io.trueup.ssh;

import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** How this package words what went wrong in the messages of its exceptions. */
final class Failures {

    private Failures() {
    }

    /**
     * What {@code e} says happened, in a few words: the innermost message of its causes, or a
     * plain phrase for the failures whose messages say little (unknown host, time-outs).
     */
    static String reason(Throwable e, Duration timeout) {
        Throwable root = e;
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "cannot resolve the host name";
            }
            if (t instanceof TimeoutException) {
                return "no answer within " + readable(timeout);
            }
            root = t;
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }

    /** {@code 1.5s}, {@code 2m30s}: a duration as people write it. */
    static String readable(Duration duration) {
        return duration.toString().substring(2).toLowerCase();
    }
}
