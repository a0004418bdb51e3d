package io.trueup.git;

import io.trueup.ssh.CommandResult;
import io.trueup.ssh.RemoteCommand;
import io.trueup.ssh.RemoteShell;
import io.trueup.ssh.SshTarget;
import io.trueup.ssh.StdoutListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake {@link RemoteShell} whose "host" is a local directory: command lines run with
 * {@code /bin/sh -c} there, with {@code HOME} set to it. Records the command lines started.
 */
final class LocalShell implements RemoteShell {

    private final Path home;
    private final List<String> started = new CopyOnWriteArrayList<>();

    LocalShell(Path home) {
        this.home = home;
    }

    /** The command lines {@link #start} ran, in order. */
    List<String> started() {
        return List.copyOf(started);
    }

    @Override
    public Process start(SshTarget target, String commandLine) {
        started.add(commandLine);
        try {
            return shell(commandLine).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout) {
        throw new UnsupportedOperationException("this fake only starts raw command lines");
    }

    @Override
    public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout, StdoutListener listener) {
        throw new UnsupportedOperationException("this fake only starts raw command lines");
    }

    private ProcessBuilder shell(String commandLine) {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", commandLine).directory(home.toFile());
        builder.environment().put("HOME", home.toString());
        return builder;
    }
}
