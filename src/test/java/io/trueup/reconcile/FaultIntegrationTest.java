package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.plan.Drift;
import io.trueup.ssh.CommandResult;
import io.trueup.ssh.RemoteCommand;
import io.trueup.ssh.RemoteShell;
import io.trueup.ssh.SshTarget;
import io.trueup.ssh.StdoutListener;
import io.trueup.status.AppStatus;
import io.trueup.status.HostState;
import io.trueup.status.HostStatus;
import io.trueup.status.SyncStatus;
import io.trueup.support.Fleet;
import io.trueup.support.ForwardingProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Faults during a rollout, each asserting that nothing is lost and the status tells the truth. */
@Timeout(180)
class FaultIntegrationTest {

    @TempDir
    Path dir;

    Fleet fleet;
    String good;

    @BeforeEach
    void deployed() throws Exception {
        fleet = new Fleet(dir, 2, Map.of());
        good = fleet.app.head();
        fleet.deploy(good, "");
        fleet.reconciler.runOnce();
    }

    @AfterEach
    void close() {
        fleet.close();
    }

    private HostStatus host(int i) {
        return fleet.hostStatus(i);
    }

    private void runUntilSynced() throws InterruptedException {
        assertTrue(fleet.reconcileUntilSynced(fleet.reconciler, Duration.ofSeconds(40)),
                () -> fleet.status().toString());
    }

    @Test
    void aReleaseFailingItsHealthCheckIsRolledBackAndCheckedAgain() throws Exception {
        String bad = fleet.commitApp("BROKEN", "this release fails its health check\n");
        fleet.writeEnv(fleet.envYaml(bad, fleet.requirementsHash().toString(), "")
                .replace("command: .venv/bin/python -c 'import greeting'", "command: test ! -e BROKEN")
                .replace("timeout: 10s", "timeout: 5s\n  retries: 2\n  grace: 100ms"));

        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Halted, status.status());
        String error = status.error().orElse("");
        assertTrue(error.contains("step health failed") && error.contains("rolled back to " + good.substring(0, 7)),
                error);
        assertEquals(good, fleet.currentSha(0));
        assertEquals(good, fleet.currentSha(1), "the second batch never started");
        assertEquals(List.of(good), fleet.list(0, "releases"), "the failed release is gone");
        assertTrue(host(0).detail().toString().contains("restarted and healthy"), host(0).toString());
    }

    @Test
    void aHostCutOffMidRolloutIsRetriedAndConvergesWhenBack() throws Exception {
        AtomicBoolean cut = new AtomicBoolean();
        RemoteShell cutsHost1AfterHost0 = new Wrapping(fleet.shell) {
            @Override
            public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout,
                    StdoutListener listener) {
                CommandResult result = super.run(target, command, timeout, listener);
                if (command.name().equals("record") && target.port() == fleet.server(0).port()
                        && cut.compareAndSet(false, true)) {
                    fleet.server(1).stop();
                }
                return result;
            }
        };
        fleet.startController(cutsHost1AfterHost0, "state");
        String next = fleet.commitApp("README", "v2\n");
        fleet.deploy(next, "");

        fleet.reconciler.runOnce();

        assertEquals(next, fleet.currentSha(0));
        assertEquals(good, fleet.currentSha(1));
        assertEquals(SyncStatus.Degraded, fleet.status().status());
        assertEquals(HostState.Unreachable, host(1).state());

        fleet.server(1).start();
        runUntilSynced();
        assertEquals(next, fleet.currentSha(1));
        assertEquals(List.of(), fleet.leftovers(1));
    }

    @Test
    void aConnectionDroppedDuringThePushLeavesTheHostAsItWasAndIsRetried() throws Exception {
        // Host 0's push, whichever push starts first: the second host's may be pushed ahead of its turn.
        AtomicBoolean dropped = new AtomicBoolean();
        RemoteShell dropsFirstPush = new Wrapping(fleet.shell) {
            @Override
            public Process start(SshTarget target, String commandLine) {
                Process push = super.start(target, commandLine);
                return target.port() == fleet.server(0).port() && dropped.compareAndSet(false, true)
                        ? new DroppingProcess(push)
                        : push;
            }
        };
        fleet.startController(dropsFirstPush, "state");
        String next = fleet.commitApp("README", "v2\n");
        fleet.deploy(next, "");

        fleet.reconciler.runOnce();

        assertTrue(dropped.get());
        assertEquals(SyncStatus.Degraded, fleet.status().status(), () -> fleet.status().toString());
        assertEquals(good, fleet.currentSha(0), "current untouched by the failed push");
        runUntilSynced();
        assertEquals(next, fleet.currentSha(0));
        assertEquals(List.of(), fleet.leftovers(0));
    }

    @Test
    void aConvergedHostWhoseHealthCheckFailsIsRestarted() throws Exception {
        Path marker = fleet.server(1).root().resolve("down");
        fleet.writeEnv(fleet.envYaml(good, fleet.requirementsHash().toString(), "")
                .replace("command: .venv/bin/python -c 'import greeting'", "command: test ! -e \"$HOME/down\"")
                .replace("restarts\"", "restarts\" && rm -f \"$HOME/down\""));
        fleet.reconciler.runOnce();
        Files.writeString(marker, "the app died\n");

        fleet.reconciler.runOnce();

        assertTrue(Files.notExists(marker), "restarted");
        assertEquals(2, Files.readAllLines(fleet.server(1).root().resolve("restarts")).size());
        var last = fleet.history.recent(Fleet.ID).get(0);
        assertEquals("succeeded", last.result());
        assertEquals(SyncStatus.Synced, fleet.status().status());
    }

    @Test
    void withoutSelfHealAFailingHealthCheckIsOnlyReported() throws Exception {
        fleet.writeEnv(fleet.envYaml(good, fleet.requirementsHash().toString(), "selfHeal: false\n")
                .replace("command: .venv/bin/python -c 'import greeting'", "command: test ! -e \"$HOME/down\""));
        fleet.reconciler.runOnce();
        Files.writeString(fleet.server(0).root().resolve("down"), "x");

        fleet.reconciler.runOnce();

        assertEquals(SyncStatus.OutOfSync, fleet.status().status());
        assertEquals(Set.of(Drift.HEALTH_FAILING), host(0).drift());
    }

    /** A shell that passes everything to another; tests override what they break. */
    private static class Wrapping implements RemoteShell {
        private final RemoteShell real;

        Wrapping(RemoteShell real) {
            this.real = real;
        }

        @Override
        public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout) {
            return real.run(target, command, timeout);
        }

        @Override
        public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout,
                StdoutListener listener) {
            return real.run(target, command, timeout, listener);
        }

        @Override
        public Process start(SshTarget target, String commandLine) {
            return real.start(target, commandLine);
        }
    }

    /** A push whose connection drops: its output stream breaks after the first bytes, and it is killed. */
    private static final class DroppingProcess extends ForwardingProcess {
        DroppingProcess(Process real) {
            super(real);
        }

        @Override
        public OutputStream getOutputStream() {
            return new OutputStream() {
                private int written;

                @Override
                public void write(int b) throws IOException {
                    if (++written > 64) {
                        real.destroy();
                        throw new IOException("connection dropped");
                    }
                    real.getOutputStream().write(b);
                }

                @Override
                public void flush() throws IOException {
                    real.getOutputStream().flush();
                }
            };
        }
    }
}
