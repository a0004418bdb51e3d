package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.HostAddress;
import io.trueup.rollout.Phase;
import io.trueup.rollout.RolloutRecord;
import io.trueup.rollout.FileRolloutStore;
import io.trueup.rollout.RolloutStore;
import io.trueup.status.AppStatus;
import io.trueup.status.SyncStatus;
import io.trueup.support.ControllerProcess;
import io.trueup.support.Fleet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** trueup killed with SIGKILL, as a real process, between a host's switch and its health check. */
@Timeout(300)
class KilledControllerIntegrationTest {

    @TempDir
    Path dir;

    Fleet fleet;
    String good;
    Process controller;

    @BeforeEach
    void deployed() throws Exception {
        fleet = new Fleet(dir, 1, Map.of());
        good = fleet.app.head();
        fleet.deploy(good, "");
        fleet.reconciler.runOnce();
        assertEquals(good, fleet.currentSha(0), () -> fleet.status().toString());
    }

    @AfterEach
    void close() throws IOException {
        if (controller != null) {
            controller.destroyForcibly();
        }
        Files.deleteIfExists(dir.resolve("block"));
        fleet.close();
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("controller.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The pid of the host command holding host 0's lock, if any. */
    private Optional<Long> lockHolder() {
        try {
            String owner = Files.readString(fleet.base(0).resolve(".trueup/lock")).strip();
            return Optional.of(Long.parseLong(owner.substring(owner.lastIndexOf(" pid ") + 5)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Test
    void aHostSwitchedWhenTrueupWasKilledIsHealthCheckedOnRestartAndRolledBackWhenUnhealthy() throws Exception {
        Path block = dir.resolve("block");
        Path restarting = dir.resolve("restarting");
        String bad = fleet.commitApp("BROKEN", "this release fails its health check\n");
        // The restart blocks while the file "block" exists (60 s at most), once it has said so.
        String blocking = "\"$HOME/restarts\"; if [ -e %1$s ]; then touch %2$s; i=0; while [ -e %1$s ] && [ $i -lt 600 ];"
                + " do sleep 0.1; i=$((i+1)); done; fi\n";
        fleet.writeEnv(fleet.envYaml(bad, fleet.requirementsHash().toString(), "")
                .replace("\"$HOME/restarts\"\n", blocking.formatted(block, restarting))
                .replace("command: .venv/bin/python -c 'import greeting'", "command: test ! -e BROKEN")
                .replace("timeout: 10s", "timeout: 5s\n  retries: 2\n  grace: 100ms"));
        Files.createFile(block);

        controller = ControllerProcess.start(dir, "state", dir.resolve("controller.log"));
        assertTrue(Fleet.within(Duration.ofSeconds(120), () -> Files.exists(restarting) || !controller.isAlive()),
                "the host never restarted");
        assertTrue(Files.exists(restarting), this::log);
        assertEquals(bad, fleet.currentSha(0), "switched before the restart");
        // The host said "done switch" before it started the restart; trueup records it as it hears it.
        assertTrue(Fleet.within(Duration.ofSeconds(10), () -> new FileRolloutStore(dir.resolve("state/rollouts"))
                .get(Fleet.ID).filter(r -> r.host(HostAddress.parse(fleet.host(0))).phase() == Phase.SWITCHED)
                .isPresent()), "the switch was never recorded");
        controller.destroyForcibly(); // SIGKILL
        assertTrue(controller.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, controller.exitValue(), "killed by SIGKILL, not ended: " + log());
        RolloutRecord left = new FileRolloutStore(dir.resolve("state/rollouts")).get(Fleet.ID)
                .orElseThrow(() -> new AssertionError("no rollout saved by the killed trueup"));
        assertEquals(Phase.SWITCHED, left.host(HostAddress.parse(fleet.host(0))).phase());

        Files.delete(block);
        // Its restart, orphaned on the host, ends: its lock is then left by a gone process of this controller.
        assertTrue(Fleet.within(Duration.ofSeconds(30), () -> lockHolder()
                .flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive).isEmpty()), "the orphaned restart ran on");
        fleet.startController();
        fleet.reconciler.runOnce();

        assertEquals(good, fleet.currentSha(0), "rolled back to the release it ran before");
        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Halted, status.status(), status.toString());
        String error = status.error().orElse("");
        assertTrue(error.contains("checked after trueup restarted during its deploy")
                && error.contains("rolled back to " + good.substring(0, 7)), error);
        RolloutHistory.Entry entry = fleet.history.recent(Fleet.ID).get(0);
        assertEquals(bad, entry.sha());
        assertTrue(entry.result().startsWith("halted"), entry.toString());
        assertEquals("failed, rolled back", entry.hosts().get(0).result());
        assertFalse(Files.exists(dir.resolve("state/rollouts/hello.test.json")), "the rollout record is removed");
        assertEquals(List.of(), fleet.leftovers(0), "the lock is freed");
        List<String> restarts = Files.readAllLines(fleet.server(0).root().resolve("restarts"));
        assertEquals(List.of(good, bad, bad, good), restarts, "restarted again on the new release (the killed"
                + " deploy may not have got that far), then on the release it went back to");
    }
}
