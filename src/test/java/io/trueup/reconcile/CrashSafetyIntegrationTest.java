package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.ssh.CommandResult;
import io.trueup.ssh.HostUnreachableException;
import io.trueup.ssh.RemoteCommand;
import io.trueup.ssh.RemoteShell;
import io.trueup.ssh.SshTarget;
import io.trueup.ssh.StdoutListener;
import io.trueup.status.SyncStatus;
import io.trueup.support.Fleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** trueup stopped mid-deploy, a crash's leftovers, and two controllers on the same hosts. */
@Timeout(180)
class CrashSafetyIntegrationTest {

    @TempDir
    Path dir;

    Fleet fleet;
    String first;

    @BeforeEach
    void deployed() throws Exception {
        fleet = new Fleet(dir, 2, Map.of());
        first = fleet.app.head();
        fleet.deploy(first, "");
        fleet.reconciler.runOnce();
    }

    @AfterEach
    void close() {
        fleet.close();
    }

    /** A shell through which the controller "dies" after {@code steps} changing commands: nothing more reaches a host. */
    private RemoteShell dyingAfter(int steps) {
        AtomicInteger left = new AtomicInteger(steps);
        return new RemoteShell() {
            @Override
            public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout) {
                reaches(target, command);
                return fleet.shell.run(target, command, timeout);
            }

            @Override
            public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout,
                    StdoutListener listener) {
                reaches(target, command);
                return fleet.shell.run(target, command, timeout, listener);
            }

            private void reaches(SshTarget target, RemoteCommand command) {
                if (!command.name().equals("inspect") && left.getAndDecrement() <= 0) {
                    throw new HostUnreachableException(target, "controller stopped", null);
                }
            }

            @Override
            public Process start(SshTarget target, String commandLine) {
                if (left.getAndDecrement() <= 0) {
                    throw new HostUnreachableException(target, "controller stopped", null);
                }
                return fleet.shell.start(target, commandLine);
            }
        };
    }

    private void assertConvergedWithoutLeftovers(String sha) {
        assertEquals(SyncStatus.Synced, fleet.status().status(), () -> fleet.status().toString());
        for (int i = 0; i < fleet.size(); i++) {
            assertEquals(sha, fleet.currentSha(i));
            assertEquals(List.of(), fleet.leftovers(i), "host " + i);
        }
    }

    @Test
    void stoppedAtEveryStepOfADeployItConvergesWhenStartedAgain() throws Exception {
        io.trueup.demo.Wheels.write("extra", "2.0", Map.of("extra/__init__.py", "X = 2\n".getBytes()),
                fleet.app.dir().resolve("wheels"));
        String next = fleet.commitApp("requirements.txt", "greeting==1.0\nextra==2.0\n");
        Map<String, String> hashes = Map.of(
                first, io.trueup.desired.RequirementsHash.of("greeting==1.0\n".getBytes()).toString(),
                next, fleet.requirementsHash().toString());
        String to = next;
        for (int steps = 0; steps <= 7; steps++) {
            fleet.writeEnv(fleet.envYaml(to, hashes.get(to), ""));
            // What a stopped controller did after it "stopped" never reached disk: its state is thrown away,
            // but for its id, which its locks on the hosts name: the same controller, started again, takes
            // them over at once (another would wait for trueup.lock-ttl).
            Path stopped = Files.createDirectories(dir.resolve("stopped-" + steps));
            Files.copy(dir.resolve("state/controller-id"), stopped.resolve("controller-id"));
            fleet.startController(dyingAfter(steps), "stopped-" + steps);
            fleet.reconciler.runOnce();
            for (int i = 0; i < fleet.size(); i++) {
                String current = fleet.currentSha(i);
                assertTrue(current.equals(first) || current.equals(next), "current is a release: " + current);
                assertTrue(Files.exists(fleet.base(i).resolve("current/.venv/.trueup-complete")),
                        "current's env is complete after stopping at step " + steps);
            }

            fleet.startController();
            fleet.reconciler.runOnce();

            assertConvergedWithoutLeftovers(to);
            to = to.equals(next) ? first : next;
        }
    }

    @Test
    void leftoversOfACrashInsideAStepAreCleanedUp() throws Exception {
        Path base = fleet.base(0);
        Files.createDirectories(base.resolve("releases/.tmp-" + first + "-4242/.git"));
        Files.createDirectories(base.resolve("envs/" + "ab".repeat(32) + "/bin"));
        Files.writeString(base.resolve(".trueup/lock"),
                Files.readString(dir.resolve("state/controller-id")).strip() + "/deadbeef since 2026-01-01T00:00:00Z\n");

        fleet.startController();
        fleet.reconciler.runOnce();

        assertConvergedWithoutLeftovers(first);
    }

    @Test
    void twoControllersReconcilingTheSameHostsAtOnceLeaveThemConsistent() throws Exception {
        String next = fleet.commitApp("README", "v2\n");
        fleet.deploy(next, "");
        fleet.startController(fleet.shell, "state");
        var one = fleet.reconciler;
        var oneBoard = fleet.board;
        fleet.startController(fleet.shell, "other-controller");
        var two = fleet.reconciler;

        CompletableFuture.allOf(CompletableFuture.runAsync(one::runOnce), CompletableFuture.runAsync(two::runOnce))
                .get();
        fleet.reconcileUntilSynced(two, Duration.ofSeconds(60));

        assertConvergedWithoutLeftovers(next);
        assertTrue(oneBoard.app(Fleet.ID).isPresent());
    }
}
