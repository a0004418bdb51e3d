package io.trueup.git;

/**
 * What a push of one commit to a host did.
 *
 * @param upToDate whether the host already had the commit under its ref, so nothing was sent
 * @param objectsSent how many objects the pack sent to the host held: only those the host
 *     lacked; 0 when up to date
 */
public record PushResult(boolean upToDate, long objectsSent) {

    public PushResult {
        if (objectsSent < 0) {
            throw new IllegalArgumentException("objectsSent must not be negative: " + objectsSent);
        }
    }

    public static PushResult alreadyThere() {
        return new PushResult(true, 0);
    }
}
