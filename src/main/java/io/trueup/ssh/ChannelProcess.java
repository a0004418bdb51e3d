package io.trueup.ssh;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.sshd.client.channel.ChannelExec;

/**
 * A remote command seen as a {@link Process}: its streams are the exec channel's, it is alive
 * until the channel closes, and {@link #destroy()} closes the channel, which tells the host to
 * end the command. The session it runs on stays open for other commands.
 *
 * <p>When the channel closes without an exit status (the connection dropped, or the command
 * died of a signal) the exit value is 255, as the OpenSSH client reports it.
 */
final class ChannelProcess extends Process {

    static final int NO_EXIT_STATUS = 255;

    private final ChannelExec channel;
    private final CompletableFuture<Process> exited = new CompletableFuture<>();

    /** @param channel an opened exec channel whose streams were left to MINA to make */
    ChannelProcess(ChannelExec channel) {
        this.channel = channel;
        // The close future completes once the channel is closed on both sides (at once if it is
        // already), after any exit status the host sent before its close.
        channel.addCloseFutureListener(closed -> exited.complete(this));
    }

    @Override
    public OutputStream getOutputStream() {
        return channel.getInvertedIn();
    }

    @Override
    public InputStream getInputStream() {
        return channel.getInvertedOut();
    }

    @Override
    public InputStream getErrorStream() {
        return channel.getInvertedErr();
    }

    @Override
    public int waitFor() throws InterruptedException {
        while (!waitFor(1, TimeUnit.HOURS)) {
            // keep waiting, as Process#waitFor does
        }
        return exitValue();
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (timeout <= 0) {
            return !isAlive();
        }
        try {
            exited.get(timeout, unit);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the close future never fails", e);
        }
    }

    @Override
    public int exitValue() {
        if (isAlive()) {
            throw new IllegalThreadStateException("the remote command is still running");
        }
        Integer status = channel.getExitStatus();
        return status == null ? NO_EXIT_STATUS : status;
    }

    /** Completes when the channel has closed, on the thread that closed it; no thread waits for it. */
    @Override
    public CompletableFuture<Process> onExit() {
        return exited.copy();
    }

    @Override
    public void destroy() {
        channel.close(false);
    }

    /** The same as {@link #destroy()}: closing the channel is all a client can do. */
    @Override
    public Process destroyForcibly() {
        destroy();
        return this;
    }

    /** Alive until the channel has closed on both sides, so an exit status sent before that is seen. */
    @Override
    public boolean isAlive() {
        return !exited.isDone();
    }

    @Override
    public String toString() {
        return "ChannelProcess[" + channel + "]";
    }
}
