package io.trueup.ssh;

/** A remote command did not finish within its timeout; its channel was closed. */
public class CommandTimeoutException extends RemoteException {

    public CommandTimeoutException(SshTarget target, String message) {
        super(target, message, null);
    }
}
