package io.trueup.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * One exec request of an {@link EmbeddedSshServer}, run as {@code /bin/sh -c <command line>}
 * in the host's root directory with the host's environment, its standard streams wired to the
 * channel. Like OpenSSH's sshd, it reports the exit code once the shell has exited and its
 * output pipes have reached end of file, so a background process keeps the channel open only
 * if it holds on to the command's stdout or stderr. Closing the channel early kills the shell
 * and everything it started that is still its descendant.
 *
 * <p>MINA's {@code ProcessShellCommandFactory} offers no hook for the working directory and
 * polls the process streams, hence this small command.
 */
final class HostProcess implements Command {

    private final String commandLine;
    private final Path root;
    private final Map<String, String> environment;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private volatile Process process;

    HostProcess(String commandLine, Path root, Map<String, String> environment) {
        this.commandLine = commandLine;
        this.root = root;
        this.environment = environment;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback exit) {
        this.exit = exit;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", commandLine).directory(root.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process started = builder.start();
        process = started;
        Thread stdout = pump(started.getInputStream(), out, false, "stdout");
        Thread stderr = pump(started.getErrorStream(), err, false, "stderr");
        pump(in, started.getOutputStream(), true, "stdin");
        Thread.ofPlatform().daemon().name("host-process-exit").start(() -> awaitExit(started, stdout, stderr));
    }

    private void awaitExit(Process started, Thread stdout, Thread stderr) {
        try {
            int code = started.waitFor();
            stdout.join();
            stderr.join();
            exit.onExit(code);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exit.onExit(255, "interrupted");
        }
    }

    /** Copies {@code from} to {@code to} until end of file, flushing as data comes. */
    private static Thread pump(InputStream from, OutputStream to, boolean closeWhenDone, String name) {
        return Thread.ofPlatform().daemon().name("host-process-" + name).start(() -> {
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = from.read(buffer)) >= 0; ) {
                    to.write(buffer, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                // the channel or the process went away; nothing is left to copy
            } finally {
                if (closeWhenDone) {
                    closeQuietly(to);
                }
            }
        });
    }

    private static void closeQuietly(OutputStream stream) {
        try {
            stream.close();
        } catch (IOException e) {
            // already broken: the process has gone
        }
    }

    @Override
    public void destroy(ChannelSession channel) {
        Process running = process;
        if (running != null && running.isAlive()) {
            running.descendants().forEach(ProcessHandle::destroyForcibly);
            running.destroyForcibly();
        }
    }
}
