package io.trueup.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

/**
 * {@link RemoteShell} over Apache MINA SSHD. Keeps one SSH session per target, made on first
 * use and reused by every command, each command on its own channel; a session that has closed
 * is made again on the next command. A command whose session drops while it runs fails with
 * {@link HostUnreachableException} and is not run again: only a command that never reached
 * the host is retried, once, on a fresh session. A command's stdin gets its
 * {@linkplain RemoteCommand#input input}, if it has one, as it starts, and is closed then, unless
 * the command runs with a {@link StdoutListener}: then it stays open, for the listener's answer,
 * until the command ends.
 *
 * <p>Logs in with the one given identity and checks host keys strictly against the given
 * known_hosts file (see {@link SessionOpener}); ignores {@code ~/.ssh}. Safe to call from many
 * threads at once. Not a CDI bean: the application makes one with a producer and closes it.
 */
public final class MinaRemoteShell implements RemoteShell, AutoCloseable {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(MinaRemoteShell.class);
    /**
     * At DEBUG, one line as each command's channel is asked for (its first byte to the host) and
     * one as it closes: {@code open <target> <name>}, {@code closed <target> <name> <exit status>}.
     * Off by default; the benchmarks turn it on to time what lies between a host's commands.
     */
    private static final org.jboss.logging.Logger COMMANDS = org.jboss.logging.Logger.getLogger("io.trueup.ssh.commands");

    /**
     * Each of stdout and stderr is kept up to this many bytes, the last ones: enough for the end
     * of a failed pip run, and at most 2 MB a command however much a host prints.
     */
    static final int OUTPUT_CAP_BYTES = 1024 * 1024;
    private static final Set<ClientChannelEvent> CLOSED = EnumSet.of(ClientChannelEvent.CLOSED);

    private final SessionOpener opener;
    private final SessionPool pool;
    private final Duration connectTimeout;

    /**
     * @param identityFile an unencrypted OpenSSH (or PEM) private key to log in with
     * @param knownHostsFile the known_hosts file every host key must be listed in
     * @param connectTimeout how long connecting, logging in and opening a channel may each take
     */
    public MinaRemoteShell(Path identityFile, Path knownHostsFile, Duration connectTimeout) {
        this.opener = new SessionOpener(identityFile, knownHostsFile, connectTimeout);
        this.pool = new SessionPool(opener::open);
        this.connectTimeout = connectTimeout;
    }

    @Override
    public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout) {
        return execute(target, command, timeout, null);
    }

    /** Gives {@code listener} each line of stdout as it arrives, on the SSH client's thread. */
    @Override
    public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout, StdoutListener listener) {
        return execute(target, command, timeout, listener);
    }

    /**
     * Runs {@code command}; {@code listener}, when not null, hears stdout line by line, and the
     * command's stdin stays open for its answer.
     */
    private CommandResult execute(SshTarget target, RemoteCommand command, Duration timeout,
            StdoutListener listener) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        long started = System.nanoTime();
        TailBuffer stdout = new TailBuffer(OUTPUT_CAP_BYTES);
        TailBuffer stderr = new TailBuffer(OUTPUT_CAP_BYTES);
        // Inspections, the most frequent commands, have no listener: their output is not split as it comes.
        Stdin stdin = new Stdin();
        OutputStream out = listener == null ? stdout
                : new LineSplitter(stdout, line -> listener.hear(line).ifPresent(stdin::answer));
        ChannelExec channel = openExec(target, command.name(), command.render(), c -> {
            c.setOut(out);
            c.setErr(stderr);
            stdin.channel = c;
        });
        try {
            if (!command.input().isEmpty()) {
                // Before any answer: the answer to a step comes after the command read its input.
                write(channel, command, stdin, started, timeout);
            }
            if (listener == null) {
                channel.getInvertedIn().close();
            }
            if (!awaitClose(channel, stdin, started, timeout)) {
                stdin.refuse();
                closeTelling(channel);
                throw new CommandTimeoutException(target, "command " + command.name() + " on " + target
                        + " did not finish within " + Failures.readable(timeout)
                        + (stdin.given() ? " of trueup's answer" : "") + "; closed it");
            }
        } catch (IOException e) {
            throw dropped(target, command, e);
        } finally {
            channel.close(true);
            COMMANDS.debugf("closed %s %s %s", target, command.name(), channel.getExitStatus());
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        return result(target, command, channel, stdout, stderr, took);
    }

    /**
     * Writes {@code command}'s input to its stdin. When that fails (the command stopped reading
     * it, the connection dropped, or a stream could not be made), its stdin is ended there, so
     * that the host reads it cut short and no answer follows, and the command is left to end: its
     * exit says why. A stream that could not be made for a reason of trueup's (not an
     * {@link IOException}) is thrown once the command has ended (or its time is up).
     */
    private static void write(ChannelExec channel, RemoteCommand command, Stdin stdin, long started,
            Duration timeout) {
        OutputStream in = channel.getInvertedIn();
        try {
            command.input().writeTo(in);
            in.flush();
        } catch (IOException e) {
            LOG.infof("the input of command %s was cut short: %s", command.name(), e.getMessage());
            stdin.refuse();
            closeQuietly(in);
        } catch (RuntimeException e) {
            stdin.refuse();
            closeQuietly(in);
            awaitClose(channel, stdin, started, timeout);
            throw e;
        }
    }

    private static void closeQuietly(OutputStream in) {
        try {
            in.close();
        } catch (IOException closed) {
            // the command is gone already
        }
    }

    /**
     * Waits for the channel to close until {@code timeout} has passed since the command started
     * or, once it has been answered, since its answer. Says whether it closed.
     */
    private static boolean awaitClose(ChannelExec channel, Stdin stdin, long started, Duration timeout) {
        // The deadline moves once at most (one answer): a third wait is never needed.
        for (int wait = 0; wait < 3; wait++) {
            // In whole milliseconds, as MINA waits: a wait of 0 would be one without end.
            long left = (stdin.since(started) + timeout.toNanos() - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            if (!channel.waitFor(CLOSED, Duration.ofMillis(left)).contains(ClientChannelEvent.TIMEOUT)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A command's stdin, answered once by its listener: the answer is written on a thread of its
     * own, never on the SSH client's, whose threads must not wait for a write. Stdin is left open
     * (the answer is a line, which the host reads as such): its end would be one more packet
     * each way, and the channel's close ends it anyway.
     */
    private static final class Stdin {
        volatile ChannelExec channel;
        private final AtomicBoolean answered = new AtomicBoolean();
        private volatile long answeredAt;

        void answer(String line) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            answeredAt = System.nanoTime();
            byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
            Thread.ofVirtual().name("trueup-stdin").start(() -> {
                try {
                    OutputStream in = channel.getInvertedIn();
                    in.write(bytes);
                    in.flush();
                } catch (IOException | RuntimeException e) {
                    // The channel is closing: the command ends without the answer, as it does without trueup.
                    LOG.debugf("could not answer a command: %s", e.getMessage());
                }
            });
        }

        /** No answer goes out from now on: the command timed out and is being closed. */
        void refuse() {
            answered.set(true);
        }

        /** Whether an answer went out. */
        boolean given() {
            return answeredAt != 0;
        }

        /** When the answer was given (System.nanoTime), else {@code started}. */
        long since(long started) {
            return given() ? answeredAt : started;
        }
    }

    /**
     * Closes the channel the way that tells the host to end the command (MINA's immediate close
     * only forgets the channel locally), giving the host the connect timeout to confirm.
     */
    private void closeTelling(ChannelExec channel) {
        try {
            channel.close(false).await(connectTimeout);
        } catch (IOException e) {
            // interrupted or broken: the immediate close below is all that is left to do
        }
        channel.close(true);
    }

    private CommandResult result(SshTarget target, RemoteCommand command, ChannelExec channel,
            TailBuffer stdout, TailBuffer stderr, Duration took) {
        Integer status = channel.getExitStatus();
        if (status != null) {
            return new CommandResult(status, stdout.text(), stderr.text(), took);
        }
        String signal = channel.getExitSignal();
        if (signal != null) {
            String note = "trueup: command " + command.name() + " was killed by signal " + signal + "\n";
            return new CommandResult(ChannelProcess.NO_EXIT_STATUS, stdout.text(), stderr.text() + note, took);
        }
        throw dropped(target, command, null);
    }

    private HostUnreachableException dropped(SshTarget target, RemoteCommand command, IOException e) {
        String why = e == null ? "" : ": " + Failures.reason(e, connectTimeout);
        return new HostUnreachableException(target, "connection to " + target + " dropped while running "
                + command.name() + ", which left no exit status" + why, e);
    }

    @Override
    public Process start(SshTarget target, String commandLine) {
        String name = commandLine.split(" ", 2)[0];
        ChannelProcess process = new ChannelProcess(openExec(target, name, commandLine, c -> { }));
        if (COMMANDS.isDebugEnabled()) {
            process.onExit().thenRun(() -> COMMANDS.debugf("closed %s %s %s", target, name, process.exitValue()));
        }
        return process;
    }

    /**
     * Opens an exec channel on the target's session. If that fails because the session had
     * closed, the command cannot have started, so it is tried once more on a new session.
     */
    private ChannelExec openExec(SshTarget target, String name, String commandLine, Consumer<ChannelExec> setup) {
        for (int attempt = 1; ; attempt++) {
            ClientSession session = pool.session(target);
            ChannelExec channel = null;
            try {
                channel = session.createExecChannel(commandLine);
                setup.accept(channel);
                COMMANDS.debugf("open %s %s", target, name);
                channel.open().verify(connectTimeout);
                return channel;
            } catch (IOException e) {
                if (channel != null) {
                    channel.close(true);
                }
                if (attempt == 1 && !session.isOpen()) {
                    continue;
                }
                throw new HostUnreachableException(target, "cannot open a channel to " + target + ": "
                        + Failures.reason(e, connectTimeout), e);
            }
        }
    }

    /** How many SSH sessions have been made since this shell was; tests use it to see reuse. */
    public int sessionsOpened() {
        return pool.opened();
    }

    /** Closes every session and stops the client. */
    @Override
    public void close() {
        pool.close();
        opener.close();
    }
}
