package io.trueup.support;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/** A process that passes everything to another; tests override what they watch or break. */
public class ForwardingProcess extends Process {

    protected final Process real;

    public ForwardingProcess(Process real) {
        this.real = real;
    }

    @Override
    public OutputStream getOutputStream() {
        return real.getOutputStream();
    }

    @Override
    public InputStream getInputStream() {
        return real.getInputStream();
    }

    @Override
    public InputStream getErrorStream() {
        return real.getErrorStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
        return real.waitFor();
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        return real.waitFor(timeout, unit);
    }

    @Override
    public int exitValue() {
        return real.exitValue();
    }

    @Override
    public void destroy() {
        real.destroy();
    }

    @Override
    public boolean isAlive() {
        return real.isAlive();
    }
}
