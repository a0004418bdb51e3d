package io.trueup.git;

import io.trueup.ssh.CommandResult;
import io.trueup.ssh.RemoteCommand;
import io.trueup.ssh.RemoteShell;
import io.trueup.ssh.SshTarget;
import io.trueup.ssh.StdoutListener;
import io.trueup.support.ForwardingProcess;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake {@link RemoteShell} whose "host" is a local directory: command lines run with
 * {@code /bin/sh -c} there, with {@code HOME} set to it. Records the command lines started, the
 * bytes written to them and what they wrote on stdout.
 */
final class LocalShell implements RemoteShell {

    private final Path home;
    private final List<String> started = new CopyOnWriteArrayList<>();
    private final AtomicLong sent = new AtomicLong();
    private final ByteArrayOutputStream answered = new ByteArrayOutputStream();

    LocalShell(Path home) {
        this.home = home;
    }

    /** The command lines {@link #start} ran, in order. */
    List<String> started() {
        return List.copyOf(started);
    }

    /** The bytes written to the processes {@link #start} started, so far. */
    long sent() {
        return sent.get();
    }

    /** What those processes wrote on stdout, so far, as ISO-8859-1 text. */
    String answered() {
        synchronized (answered) {
            return answered.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    @Override
    public Process start(SshTarget target, String commandLine) {
        started.add(commandLine);
        try {
            return new Recorded(shell(commandLine).start());
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

    /** A started process whose stdin bytes are counted and whose stdout is copied. */
    private final class Recorded extends ForwardingProcess {
        private final OutputStream in;
        private final InputStream out;

        Recorded(Process process) {
            super(process);
            this.in = new FilterOutputStream(process.getOutputStream()) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    sent.addAndGet(len);
                }

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    sent.incrementAndGet();
                }
            };
            this.out = new FilterInputStream(process.getInputStream()) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        synchronized (answered) {
                            answered.write(b, off, n);
                        }
                    }
                    return n;
                }

                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        synchronized (answered) {
                            answered.write(b);
                        }
                    }
                    return b;
                }
            };
        }

        @Override
        public OutputStream getOutputStream() {
            return in;
        }

        @Override
        public InputStream getInputStream() {
            return out;
        }
    }
}
