package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.status.AppStatus;
import io.trueup.status.HostState;
import io.trueup.status.HostStatus;
import io.trueup.status.SyncStatus;
import io.trueup.support.Fleet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Hosts that leave desired state, and undeploying them, on real hosts and repositories. */
@Timeout(120)
class UndeployIntegrationTest {

    /** What the app does when stopped: notes the SHA it ran in the host's home. */
    private static final String STOP = "stop: printf '%s\\n' \"$TRUEUP_SHA\" >> \"$HOME/stops\"\nshared: [data/]\n";

    @TempDir
    Path dir;

    Fleet fleet;
    String sha;

    @BeforeEach
    void deployed() throws Exception {
        fleet = new Fleet(dir, 2, Map.of());
        sha = fleet.app.head();
        fleet.deploy(sha, STOP);
        fleet.reconciler.runOnce();
        assertEquals(SyncStatus.Synced, fleet.status().status());
    }

    @AfterEach
    void close() {
        fleet.close();
    }

    private String removeEnvironmentFile() throws IOException {
        Files.delete(fleet.desired.dir().resolve("apps/hello/test.yaml"));
        return fleet.desired.commitAll("Remove hello/test");
    }

    private String withoutHost(int i) throws IOException {
        return fleet.writeEnv(fleet.envYaml(sha, fleet.requirementsHash().toString(), STOP)
                .replace(", \"" + fleet.host(i) + "\"", ""));
    }

    private void undeployNow() throws Exception {
        Optional<Future<?>> task = fleet.reconciler.undeployNow(Fleet.ID, true);
        assertTrue(task.isPresent(), "nothing reconciles hello/test now: the undeploy starts at once");
        task.get().get();
    }

    private List<String> stops(int i) throws IOException {
        Path stops = fleet.server(i).root().resolve("stops");
        return Files.exists(stops) ? Files.readAllLines(stops) : List.of();
    }

    private boolean hasCurrent(int i) {
        return Files.isSymbolicLink(fleet.base(i).resolve("current"));
    }

    @Test
    void removingTheEnvironmentFileLeavesItsHostsRunningAndShowsThemPendingUndeploy() throws Exception {
        String removal = removeEnvironmentFile();

        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.PendingUndeploy, status.status());
        assertTrue(status.error().orElse("").contains("POST /api/apps/hello/test/undeploy"), status.error().orElse(""));
        for (int i = 0; i < 2; i++) {
            HostStatus host = fleet.hostStatus(i);
            assertEquals(HostState.PendingUndeploy, host.state());
            assertEquals(List.of("pending undeploy: removed from desired state in " + removal.substring(0, 7)),
                    host.detail());
            assertEquals(sha, fleet.currentSha(i), "still running");
            assertEquals(List.of(), stops(i), "not stopped");
        }
    }

    @Test
    void aPendingUndeploySurvivesARestartOfTrueup() throws Exception {
        removeEnvironmentFile();
        fleet.reconciler.runOnce();

        fleet.startController();
        fleet.reconciler.runOnce();

        assertEquals(SyncStatus.PendingUndeploy, fleet.status().status());
        undeployNow();
        assertEquals(List.of(sha), stops(0));
        assertEquals(List.of(sha), stops(1));
    }

    @Test
    void theUndeployActionStopsTheAppAndRemovesCurrentButKeepsReleasesEnvsAndShared() throws Exception {
        String removal = removeEnvironmentFile();
        fleet.reconciler.runOnce();

        undeployNow();

        for (int i = 0; i < 2; i++) {
            assertEquals(List.of(sha), stops(i), "stop ran once, in the current release");
            assertFalse(hasCurrent(i));
            assertFalse(Files.exists(fleet.base(i).resolve("previous"), LinkOption.NOFOLLOW_LINKS));
            assertEquals(List.of(sha), fleet.list(i, "releases"));
            assertEquals(1, fleet.list(i, "envs").size());
            assertTrue(Files.isDirectory(fleet.base(i).resolve("shared/data")));
            List<String> log = Files.readAllLines(fleet.base(i).resolve(".trueup/history.log"));
            assertTrue(log.getLast().contains("\"result\":\"undeployed\""), log.getLast());
        }
        RolloutHistory.Entry last = fleet.history.recent(Fleet.ID).getFirst();
        assertEquals(removal, last.revision());
        assertEquals("undeployed", last.result());
        assertEquals(2, last.hosts().size());
        assertEquals(2, fleet.history.recent(Fleet.ID).size(), "the deploy's history stays readable");
    }

    @Test
    void theStatusForgetsAnUndeployedEnvironment() throws Exception {
        removeEnvironmentFile();
        fleet.reconciler.runOnce();

        undeployNow();
        fleet.reconciler.runOnce();

        assertEquals(Optional.empty(), fleet.board.app(Fleet.ID));
        assertEquals(List.of(), fleet.reconciler.pendingUndeploys(Fleet.ID));
        assertEquals(List.of(sha), stops(0), "undeployed once");
    }

    @Test
    void withAutoUndeployTheNextCycleUndeploysARemovedEnvironment() throws Exception {
        fleet.undeployAuto = true;
        fleet.startController();
        fleet.reconciler.runOnce();
        removeEnvironmentFile();

        fleet.reconciler.runOnce();

        for (int i = 0; i < 2; i++) {
            assertEquals(List.of(sha), stops(i));
            assertFalse(hasCurrent(i));
        }
        assertEquals(Optional.empty(), fleet.board.app(Fleet.ID));
    }

    @Test
    void removingOneHostFromHostsUndeploysOnlyThatHost() throws Exception {
        String removal = withoutHost(1);
        fleet.reconciler.runOnce();

        assertEquals(SyncStatus.Synced, fleet.status().status(), "the host that stays is as it should be");
        assertEquals(HostState.PendingUndeploy, fleet.hostStatus(1).state());
        assertEquals(List.of("pending undeploy: removed from desired state in " + removal.substring(0, 7)),
                fleet.hostStatus(1).detail());
        assertTrue(hasCurrent(1), "the removed host runs until undeployed");

        undeployNow();

        assertEquals(List.of(sha), stops(1));
        assertFalse(hasCurrent(1));
        assertEquals(List.of(), stops(0), "the host still in desired state is not stopped");
        assertEquals(sha, fleet.currentSha(0));
        fleet.reconciler.runOnce();
        assertEquals(List.of(fleet.host(0)), fleet.status().hosts().stream().map(h -> h.host().toString()).toList());
        assertEquals(SyncStatus.Synced, fleet.status().status());
    }

    @Test
    void withAutoUndeployAPausedEnvironmentKeepsItsRemovedHostUntilResumed() throws Exception {
        fleet.undeployAuto = true;
        fleet.startController();
        fleet.reconciler.runOnce();
        fleet.control.pause(Fleet.ID, true);
        withoutHost(1);

        fleet.reconciler.runOnce();

        assertTrue(hasCurrent(1), "paused: nothing changes on its hosts");
        assertEquals(HostState.PendingUndeploy, fleet.hostStatus(1).state());
        fleet.control.pause(Fleet.ID, false);
        fleet.reconciler.runOnce();
        assertFalse(hasCurrent(1));
        assertEquals(List.of(sha), stops(1));
    }

    @Test
    void aStopThatFailsKeepsTheHostPendingWithItsErrorAndCurrentInPlace() throws Exception {
        fleet.deploy(sha, "stop: echo 'cannot stop now' >&2; exit 3\n");
        fleet.reconciler.runOnce();
        removeEnvironmentFile();
        fleet.reconciler.runOnce();

        undeployNow();

        HostStatus host = fleet.hostStatus(0);
        assertEquals(HostState.PendingUndeploy, host.state());
        assertTrue(host.error().orElse("").startsWith("stop on " + fleet.host(0) + " failed with exit 3"),
                host.error().orElse(""));
        assertTrue(hasCurrent(0));
        RolloutHistory.Entry last = fleet.history.recent(Fleet.ID).getFirst();
        assertEquals("undeploy failed on 2 of 2 host(s)", last.result());
        assertTrue(last.hosts().getFirst().output().contains("cannot stop now"), last.hosts().getFirst().output());
        fleet.reconciler.runOnce();
        assertTrue(hasCurrent(0), "not tried again by itself");
    }

    @Test
    void anEnvironmentRestoredAfterItsUndeployIsDeployedAgainEvenWithoutSelfHeal() throws Exception {
        fleet.deploy(sha, STOP + "selfHeal: false\n");
        fleet.reconciler.runOnce();
        removeEnvironmentFile();
        fleet.reconciler.runOnce();
        undeployNow();

        fleet.deploy(sha, STOP + "selfHeal: false\n");
        fleet.reconciler.runOnce();

        assertEquals(SyncStatus.Synced, fleet.status().status());
        assertEquals(sha, fleet.currentSha(0));
        assertEquals(sha, fleet.currentSha(1));
    }

    @Test
    void theFileComingBackBeforeAnUndeployCancelsItAndNothingIsStopped() throws Exception {
        removeEnvironmentFile();
        fleet.reconciler.runOnce();
        assertEquals(SyncStatus.PendingUndeploy, fleet.status().status());

        fleet.deploy(sha, STOP);
        fleet.reconciler.runOnce();

        assertEquals(SyncStatus.Synced, fleet.status().status());
        assertTrue(fleet.status().hosts().stream().allMatch(h -> h.state() == HostState.Synced));
        assertEquals(List.of(), fleet.reconciler.pendingUndeploys(Fleet.ID));
        assertEquals(Optional.empty(), fleet.reconciler.undeployNow(Fleet.ID, true), "nothing left to undeploy");
        for (int i = 0; i < 2; i++) {
            assertEquals(List.of(), stops(i));
            assertEquals(sha, fleet.currentSha(i));
        }
    }
}
