package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** An app's {@code transport} changed between deploys, both ways, on a host that has git. */
@Timeout(180)
class TransportChangeIntegrationTest {

    @TempDir
    Path dir;

    Fleet fleet;

    @BeforeEach
    void start() throws Exception {
        fleet = new Fleet(dir, 1, Map.of());
    }

    @AfterEach
    void close() {
        fleet.close();
    }

    @Test
    void theDesiredReleaseIsMadeAgainTheOtherWayAndBack() throws Exception {
        String sha = fleet.app.head();
        Path release = fleet.base(0).resolve("releases").resolve(sha);
        fleet.deploy(sha, "");
        fleet.reconciler.runOnce();
        assertTrue(Files.isDirectory(release.resolve(".git")));

        fleet.deploy(sha, "transport: archive\n");
        fleet.reconciler.runOnce();
        assertEquals(sha, fleet.currentSha(0));
        assertTrue(Files.isRegularFile(release.resolve(".trueup-release/manifest")), "made from an archive");
        assertFalse(Files.exists(release.resolve(".git")));
        fleet.reconciler.runOnce();
        assertTrue(fleet.hostStatus(0).drift().isEmpty(), fleet.hostStatus(0).toString());

        fleet.deploy(sha, "transport: git\n");
        fleet.reconciler.runOnce();
        assertEquals(sha, fleet.currentSha(0));
        assertTrue(Files.isDirectory(release.resolve(".git")), "a clone again");
        assertFalse(Files.exists(release.resolve(".trueup-release")));
        fleet.reconciler.runOnce();
        assertTrue(fleet.hostStatus(0).drift().isEmpty(), fleet.hostStatus(0).toString());
        assertEquals(List.of(), fleet.leftovers(0));
    }
}
