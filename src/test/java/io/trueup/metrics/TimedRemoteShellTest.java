package io.trueup.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trueup.ssh.CommandResult;
import io.trueup.ssh.HostUnreachableException;
import io.trueup.ssh.RemoteCommand;
import io.trueup.ssh.RemoteShell;
import io.trueup.ssh.SshTarget;
import io.trueup.ssh.StdoutListener;
import io.trueup.support.FakeRemoteShell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TimedRemoteShellTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final FakeRemoteShell fake = new FakeRemoteShell().fail("web2", "env", 1, "pip failed");
    private final RemoteShell shell = new TimedRemoteShell(fake, registry);

    @Test
    void commandsAreTimedByStepAndOutcomeButNotByHost() {
        shell.run(target("web1"), RemoteCommand.of("env", "true"), Duration.ofSeconds(5));
        shell.run(target("web3"), RemoteCommand.of("env", "true"), Duration.ofSeconds(5));
        CommandResult failed = shell.run(target("web2"), RemoteCommand.of("env", "true"), Duration.ofSeconds(5));

        assertEquals(1, failed.exitCode());
        assertEquals(2, timer("env", "success").count());
        assertEquals(1, timer("env", "failure").count());
        assertEquals(2, registry.find(TimedRemoteShell.NAME).timers().size());
        registry.find(TimedRemoteShell.NAME).timers()
                .forEach(t -> assertEquals(null, t.getId().getTag("host")));
    }

    @Test
    void aCommandThatThrowsIsTimedAsAnError() {
        RemoteShell unreachable = new TimedRemoteShell(new RemoteShell() {
            @Override
            public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout) {
                throw new HostUnreachableException(target, "connection refused", null);
            }

            @Override
            public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout,
                    StdoutListener listener) {
                return run(target, command, timeout);
            }

            @Override
            public Process start(SshTarget target, String commandLine) {
                throw new UnsupportedOperationException();
            }
        }, registry);

        assertThrows(HostUnreachableException.class,
                () -> unreachable.run(target("web1"), RemoteCommand.of("inspect", "true"), Duration.ofSeconds(5)));

        assertEquals(1, timer("inspect", "error").count());
    }

    @Test
    void aRawProcessIsTimedUnderItsProgramUntilItExits() throws Exception {
        RemoteShell local = new TimedRemoteShell(new RemoteShell() {
            @Override
            public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout,
                    StdoutListener listener) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Process start(SshTarget target, String commandLine) {
                try {
                    return new ProcessBuilder("sh", "-c", "read line; exit $line").start();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }, registry);

        Process push = local.start(target("web1"), "git-receive-pack '/srv/app/repo.git'");
        assertEquals(0, registry.find(TimedRemoteShell.NAME).timers().size());
        try (var stdin = push.getOutputStream()) {
            stdin.write("0\n".getBytes());
        }
        push.onExit().get(10, TimeUnit.SECONDS);
        Process refused = local.start(target("web2"), "git-receive-pack '/srv/app/repo.git'");
        refused.getOutputStream().close();
        refused.onExit().get(10, TimeUnit.SECONDS);

        // The timers are stopped on the thread that sees the exit, a moment after onExit completes.
        for (int i = 0; i < 100 && registry.find(TimedRemoteShell.NAME).timers().stream()
                .mapToLong(Timer::count).sum() < 2; i++) {
            Thread.sleep(20);
        }
        assertEquals(1, timer("git-receive-pack", "success").count());
        assertEquals(1, timer("git-receive-pack", "failure").count());
    }

    private Timer timer(String step, String outcome) {
        return registry.get(TimedRemoteShell.NAME).tags("step", step, "outcome", outcome).timer();
    }

    private static SshTarget target(String host) {
        return new SshTarget(host, 22, "deploy");
    }
}
