package io.trueup.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.trueup.ssh.RemoteShell;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Makes remote shells whose commands are timed, so the wiring needs no metrics library. */
@ApplicationScoped
public class SshMetrics {

    @Inject
    MeterRegistry registry;

    /** {@code shell}, with every command it runs timed into {@code trueup_ssh_command_seconds}. */
    public RemoteShell timed(RemoteShell shell) {
        return new TimedRemoteShell(shell, registry);
    }

    /** The shell {@link #timed} wrapped, or {@code shell} itself. */
    public static RemoteShell untimed(RemoteShell shell) {
        return shell instanceof TimedRemoteShell timed ? timed.delegate() : shell;
    }
}
