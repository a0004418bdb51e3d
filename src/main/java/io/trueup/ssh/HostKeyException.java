package io.trueup.ssh;

/**
 * A host presented a key that known_hosts does not list for it, or one that differs from the
 * listed key. The message names the host and the fingerprint seen. Never transient.
 */
public class HostKeyException extends RemoteException {

    public HostKeyException(SshTarget target, String message) {
        super(target, message, null);
    }

    @Override
    public boolean transientFailure() {
        return false;
    }
}
