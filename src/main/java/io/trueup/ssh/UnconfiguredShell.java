package io.trueup.ssh;

import java.time.Duration;

/**
 * The shell trueup has when it has no SSH key to log in with: every host fails with a
 * message that says what to configure. Lets trueup start, fetch and report desired state
 * with the problem visible on every host, rather than not start at all.
 */
public final class UnconfiguredShell implements RemoteShell {

    private final String reason;

    public UnconfiguredShell(String reason) {
        this.reason = reason;
    }

    @Override
    public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout) {
        throw refusal(target);
    }

    @Override
    public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout, StdoutListener listener) {
        throw refusal(target);
    }

    @Override
    public Process start(SshTarget target, String commandLine) {
        throw refusal(target);
    }

    private RemoteException refusal(SshTarget target) {
        return new RemoteException(target, "cannot log in to " + target.address() + ": " + reason, null) {
            @Override
            public boolean transientFailure() {
                return false;
            }
        };
    }
}
