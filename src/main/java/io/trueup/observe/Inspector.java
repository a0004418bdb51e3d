package io.trueup.observe;

import io.trueup.desired.AppSpec;
import io.trueup.desired.HostAddress;
import io.trueup.host.HostCommands;
import io.trueup.ssh.CommandResult;
import io.trueup.ssh.RemoteException;
import io.trueup.ssh.RemoteShell;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * Inspects a host with one read-only SSH command. Safe to call from many threads; at most
 * {@code concurrency} inspections run at once.
 */
public final class Inspector {

    private final RemoteShell shell;
    private final Duration timeout;
    private final Semaphore slots;

    public Inspector(RemoteShell shell, Duration timeout, int concurrency) {
        this.shell = shell;
        this.timeout = timeout;
        this.slots = new Semaphore(Math.max(1, concurrency));
    }

    public Inspection inspect(AppSpec spec, HostAddress host) {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Inspection.Failed(host, "inspection interrupted", true);
        }
        try {
            return inspectNow(spec, host);
        } finally {
            slots.release();
        }
    }

    private Inspection inspectNow(AppSpec spec, HostAddress host) {
        try {
            CommandResult result = shell.run(HostCommands.target(spec, host), HostCommands.inspect(spec, host), timeout);
            if (!result.ok()) {
                return new Inspection.Failed(host, "inspection failed (exit " + result.exitCode() + "): "
                        + result.tail(5), true);
            }
            return new Inspection.Seen(host, ObservationParser.parse(result.stdout()));
        } catch (RemoteException e) {
            return new Inspection.Failed(host, e.getMessage(), e.transientFailure());
        }
    }
}
