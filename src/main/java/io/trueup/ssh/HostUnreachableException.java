package io.trueup.ssh;

/** No SSH session could be made with a host, or it dropped. */
public class HostUnreachableException extends RemoteException {

    public HostUnreachableException(SshTarget target, String message, Throwable cause) {
        super(target, message, cause);
    }
}
