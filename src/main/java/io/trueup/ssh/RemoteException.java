package io.trueup.ssh;

import io.trueup.TrueupException;

/** A host could not be reached, trusted or commanded; the message names the host. */
public class RemoteException extends TrueupException {

    private final SshTarget target;

    public RemoteException(SshTarget target, String message, Throwable cause) {
        super(message, cause);
        this.target = target;
    }

    public SshTarget target() {
        return target;
    }

    /** Whether trying again later may succeed (network trouble), as opposed to a refusal. */
    public boolean transientFailure() {
        return true;
    }
}
