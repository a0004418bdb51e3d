package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.status.AppStatus;
import io.trueup.status.SyncStatus;
import io.trueup.support.Fleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A step that fails on the host is the release's fault: no retry, unlike the network's failures. */
@Timeout(180)
class PermanentFailureIntegrationTest {

    @TempDir
    Path dir;

    Fleet fleet;
    String good;

    @BeforeEach
    void deployed() throws Exception {
        fleet = new Fleet(dir, 1, Map.of());
        good = fleet.app.head();
        fleet.deploy(good, "");
        fleet.reconciler.runOnce();
        assertEquals(good, fleet.currentSha(0), () -> fleet.status().toString());
    }

    @AfterEach
    void close() {
        fleet.close();
    }

    private long restartsOf(String sha) throws Exception {
        return Files.readAllLines(fleet.server(0).root().resolve("restarts")).stream().filter(sha::equals).count();
    }

    @Test
    void aRestartThatExitsNonZeroHaltsTheRolloutAtItsFirstAttemptAndIsNotTriedAgain() throws Exception {
        String bad = fleet.commitApp("app.py", "broken\n");
        fleet.writeEnv(fleet.envYaml(bad, fleet.requirementsHash().toString(), "")
                .replace("\"$HOME/restarts\"\n", "\"$HOME/restarts\"; test \"$TRUEUP_SHA\" != " + bad + "\n"));

        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Halted, status.status(), status.toString());
        String error = status.error().orElse("");
        assertTrue(error.startsWith("halted: ") && error.contains("step restart failed")
                && error.contains("exit 1"), error);
        assertFalse(error.contains("attempts"), "not given up after attempts: halted at once: " + error);
        assertEquals(1, restartsOf(bad));
        assertEquals(good, fleet.currentSha(0), "rolled back");

        // Past the first backoff of a network failure (2 s and jitter): nothing is tried again.
        for (int cycle = 0; cycle < 5; cycle++) {
            Thread.sleep(1000);
            fleet.reconciler.runOnce();
        }

        assertEquals(SyncStatus.Halted, fleet.status().status(), fleet.status().toString());
        assertEquals(1, restartsOf(bad), "the failed release was restarted once, never again");
        assertEquals(List.of(good, bad, good), Files.readAllLines(fleet.server(0).root().resolve("restarts")));
        assertEquals(1, fleet.history.recent(Fleet.ID).stream().filter(e -> e.sha().equals(bad)).count(),
                "one rollout of the failed release");
        assertEquals(good, fleet.currentSha(0));
    }
}
