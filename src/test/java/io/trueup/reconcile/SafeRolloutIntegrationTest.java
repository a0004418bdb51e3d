package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.plan.Drift;
import io.trueup.status.AppStatus;
import io.trueup.status.HostState;
import io.trueup.status.HostStatus;
import io.trueup.status.SyncStatus;
import io.trueup.support.Fleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Halts, pauses of self-healing and retries of unreachable hosts, on real hosts and repositories. */
@Timeout(120)
class SafeRolloutIntegrationTest {

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

    private String deployBroken() throws Exception {
        String bad = fleet.commitApp("app.py", "broken\n");
        fleet.writeEnv(fleet.envYaml(bad, fleet.requirementsHash().toString(), "")
                .replace("restart: printf", "restart: test \"$TRUEUP_SHA\" != " + bad + " && printf"));
        fleet.reconciler.runOnce();
        return bad;
    }

    @Test
    void aHaltSurvivesARestartOfTrueup() throws Exception {
        deployBroken();
        assertEquals(SyncStatus.Halted, fleet.status().status());

        fleet.startController();
        int before = fleet.server(0).commandsRun();
        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Halted, status.status());
        assertTrue(status.error().orElse("").startsWith("halted: 127.0.0.1:"), status.error().orElse(""));
        assertEquals(List.of("inspect"), fleet.stepsSince(0, before));
    }

    @Test
    void aNewerCommitAfterAHaltDeploysAtOnce() throws Exception {
        deployBroken();

        String fixed = fleet.commitApp("app.py", Files.readString(fleet.app.dir().resolve("app.py")) + "# fixed\n");
        fleet.deploy(fixed, "");
        fleet.reconciler.runOnce();

        assertEquals(SyncStatus.Synced, fleet.status().status());
        assertEquals(fixed, fleet.currentSha(0));
        assertEquals(fixed, fleet.currentSha(1));
    }

    @Test
    void withoutSelfHealDriftIsReportedNotRepairedButNewCommitsDeploy() throws Exception {
        fleet.deploy(good, "selfHeal: false\n");
        fleet.reconciler.runOnce();
        Path appPy = fleet.base(0).resolve("current/app.py");
        Files.writeString(appPy, "patched by hand\n");

        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.OutOfSync, status.status());
        assertTrue(status.error().orElse("").contains("MODIFIED"), status.error().orElse(""));
        HostStatus host = fleet.hostStatus(0);
        assertEquals(Set.of(Drift.MODIFIED), host.drift());
        assertEquals("patched by hand\n", Files.readString(appPy));

        String next = fleet.commitApp("README", "v2\n");
        fleet.deploy(next, "selfHeal: false\n");
        fleet.reconciler.runOnce();
        assertEquals(next, fleet.currentSha(0));
        assertEquals(SyncStatus.Synced, fleet.status().status());
    }

    @Test
    void anUnreachableHostIsRetriedWithBackoffAndConvergesWhenBack() throws Exception {
        fleet.server(1).stop();
        String next = fleet.commitApp("README", "v2\n");
        fleet.deploy(next, "");

        fleet.reconciler.runOnce();
        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Degraded, status.status());
        HostStatus down = fleet.hostStatus(1);
        assertEquals(HostState.Unreachable, down.state());
        assertTrue(down.error().orElse("").contains("failed 1 time(s) in a row; next try in"),
                "the second cycle waited instead of trying again: " + down.error().orElse(""));
        assertEquals(next, fleet.currentSha(0), "the reachable host deployed");

        fleet.server(1).start();
        assertTrue(fleet.reconcileUntilSynced(fleet.reconciler, Duration.ofSeconds(30)),
                () -> fleet.status().toString());
        assertEquals(next, fleet.currentSha(1));
    }
}
