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
import io.trueup.status.RolloutView;
import io.trueup.status.SyncStatus;
import io.trueup.support.Fleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's pause and abort of a rollout that waits between batches, on three real hosts:
 * the rollout is kept in the state directory and goes on, or goes back, from there.
 */
@Timeout(240)
class PersistedRolloutIntegrationTest {

    @TempDir
    Path dir;

    Fleet fleet;
    String good;

    @BeforeEach
    void deployed() throws Exception {
        fleet = new Fleet(dir, 3, Map.of());
        good = fleet.app.head();
        fleet.deploy(good, "rollout:\n  batch: \"100%\"\n");
        fleet.reconciler.runOnce();
        for (int i = 0; i < 3; i++) {
            assertEquals(good, fleet.currentSha(i), () -> fleet.status().toString());
        }
    }

    @AfterEach
    void close() {
        fleet.close();
    }

    /** The rollout as saved in the state directory, read as a restarted trueup reads it. */
    private java.util.Optional<RolloutRecord> saved() {
        return new FileRolloutStore(dir.resolve("state/rollouts")).get(Fleet.ID);
    }

    private Path savedFile() {
        return dir.resolve("state/rollouts/hello.test.json");
    }

    private Phase phase(RolloutRecord record, int host) {
        return record.host(HostAddress.parse(fleet.host(host))).phase();
    }

    @Test
    void aPausedRolloutStopsBeforeItsNextBatchAndGoesOnFromThereWhenResumed() throws Exception {
        String next = fleet.commitApp("README", "v2\n");
        fleet.deploy(next, "rollout:\n  pause: 5s\n");
        fleet.reconciler.runOnce();
        assertEquals(next, fleet.currentSha(0), () -> fleet.status().toString());
        assertEquals(good, fleet.currentSha(1), "the first batch is one host");

        fleet.control.pause(Fleet.ID, true); // what POST /api/apps/hello/test/pause does
        assertTrue(Fleet.within(Duration.ofSeconds(30), () -> {
            fleet.reconciler.runOnce();
            return fleet.status().error().orElse("").contains("paused before batch 2 of 3");
        }), () -> "the rollout did not stop at its pause: " + fleet.status());
        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Progressing, status.status(), status.toString());
        assertTrue(status.paused());
        RolloutView view = status.rollout().orElseThrow(() -> new AssertionError("no rollout shown: " + status));
        assertEquals(2, view.batch());
        assertEquals(3, view.batches());
        assertEquals(List.of("healthy", "pending", "pending"),
                view.hosts().stream().map(RolloutView.HostPhase::phase).toList());
        assertEquals(next, fleet.currentSha(0));
        assertEquals(good, fleet.currentSha(1), "host 2 is not touched while paused");
        assertEquals(good, fleet.currentSha(2), "host 3 is not touched while paused");
        RolloutRecord record = saved().orElseThrow(() -> new AssertionError("the rollout is not saved"));
        assertEquals(1, record.batch());
        assertEquals(fleet.desired.head(), record.revision());
        assertEquals(List.of(Phase.HEALTHY, Phase.PENDING, Phase.PENDING),
                List.of(phase(record, 0), phase(record, 1), phase(record, 2)));

        fleet.control.pause(Fleet.ID, false);
        assertTrue(fleet.reconcileUntilSynced(fleet.reconciler, Duration.ofSeconds(60)),
                () -> fleet.status().toString());

        for (int i = 0; i < 3; i++) {
            assertEquals(next, fleet.currentSha(i), "host " + i);
        }
        assertFalse(Files.exists(savedFile()), "the record of a finished rollout is removed");
        assertTrue(fleet.status().rollout().isEmpty());
        RolloutHistory.Entry entry = fleet.history.recent(Fleet.ID).get(0);
        assertEquals(next, entry.sha());
        assertEquals("succeeded", entry.result());
        assertEquals(List.of("deployed", "deployed", "deployed"),
                entry.hosts().stream().map(RolloutHistory.HostResult::result).toList());
    }

    @Test
    void anAbortedRolloutSwitchesTheHostsItSwitchedBackAndHaltsUntilARetry() throws Exception {
        String next = fleet.commitApp("README", "v2\n");
        fleet.deploy(next, "rollout:\n  batch: 2\n  pause: 10s\n");
        List<String> previousBefore = List.of(fleet.link(0, "previous"), fleet.link(1, "previous"));
        fleet.reconciler.runOnce();
        assertEquals(next, fleet.currentSha(0), () -> fleet.status().toString());
        assertEquals(next, fleet.currentSha(1));
        assertEquals(good, fleet.currentSha(2), "the second batch waits 10 s");
        assertTrue(saved().isPresent());

        assertTrue(fleet.rollouts.abort(Fleet.ID)); // what POST /api/apps/hello/test/abort does
        fleet.reconciler.reconcileNow(Fleet.ID).orElseThrow().get(90, TimeUnit.SECONDS);

        for (int i = 0; i < 3; i++) {
            assertEquals(good, fleet.currentSha(i), "host " + i + " is back on its previous release");
        }
        assertEquals(previousBefore, List.of(fleet.link(0, "previous"), fleet.link(1, "previous")),
                "previous points where it pointed before the rollout");
        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Halted, status.status(), status.toString());
        assertTrue(status.error().orElse("").contains("aborted by an operator"), status.toString());
        assertFalse(Files.exists(savedFile()), "the record of an aborted rollout is removed");
        RolloutHistory.Entry entry = fleet.history.recent(Fleet.ID).get(0);
        assertEquals(next, entry.sha());
        assertTrue(entry.result().startsWith("aborted"), entry.toString());
        assertEquals(List.of("reverted", "reverted"),
                entry.hosts().stream().map(RolloutHistory.HostResult::result).toList());

        int before = fleet.server(0).commandsRun();
        fleet.reconciler.runOnce();
        assertEquals(SyncStatus.Halted, fleet.status().status(), "an abort is not undone by the next poll");
        assertEquals(List.of("inspect"), fleet.stepsSince(0, before));

        assertTrue(fleet.control.clearHalt(Fleet.ID)); // what POST /api/apps/hello/test/retry does
        assertTrue(fleet.reconcileUntilSynced(fleet.reconciler, Duration.ofSeconds(90)),
                () -> fleet.status().toString());
        for (int i = 0; i < 3; i++) {
            assertEquals(next, fleet.currentSha(i), "host " + i + " is redeployed after the retry");
        }
    }
}
