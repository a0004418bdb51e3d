package io.trueup.ssh;

import java.time.Duration;

/**
 * Runs commands on hosts over SSH. Implementations keep one connection per target and reuse
 * it for every command; they are safe to call from many threads at once.
 *
 * <p>Failures to reach or trust a host are thrown as {@link RemoteException} subclasses; a
 * command that ran and failed is a {@link CommandResult} with a non-zero exit code.
 */
public interface RemoteShell {

    /**
     * Runs {@code command} on {@code target} and waits at most {@code timeout} for it. The command's
     * stdin is at its end from the start.
     *
     * @throws HostUnreachableException when no connection can be made or it drops
     * @throws HostKeyException when the host's key is unknown or changed
     * @throws CommandTimeoutException when the command outlives {@code timeout}
     */
    CommandResult run(SshTarget target, RemoteCommand command, Duration timeout);

    /**
     * Like {@link #run(SshTarget, RemoteCommand, Duration)}, and gives each line of the command's
     * stdout to {@code listener} as soon as the line is complete, and writes the listener's answer,
     * if it gives one, to the command's stdin (see {@link StdoutListener}). The timeout counts
     * anew from that answer: the work a command does once answered gets as long as it had before.
     */
    CommandResult run(SshTarget target, RemoteCommand command, Duration timeout, StdoutListener listener);

    /**
     * Starts a raw command line (one built by a library that quotes for itself, such as a
     * JGit {@code git-receive-pack --quiet '<path>'}) and returns it as a running process whose
     * streams are the channel's. The caller must wait for or destroy it.
     */
    Process start(SshTarget target, String commandLine);
}
