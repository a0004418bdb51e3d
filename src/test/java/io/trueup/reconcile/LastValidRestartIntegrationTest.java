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
import java.util.Optional;
import org.eclipse.jgit.util.FileUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app/environment whose newest desired state is invalid, across a restart of trueup, on real
 * hosts and repositories: its last valid state is kept in the state directory.
 */
@Timeout(120)
class LastValidRestartIntegrationTest {

    @TempDir
    Path dir;

    Fleet fleet;
    String good;
    String validRevision;
    AppStatus beforeRestart;

    /** A valid commit is deployed, then a commit makes the app invalid; trueup keeps the valid one. */
    @BeforeEach
    void invalidAfterAValidDeploy() throws Exception {
        fleet = new Fleet(dir, 2, Map.of());
        good = fleet.app.head();
        validRevision = fleet.deploy(good, "");
        fleet.reconciler.runOnce();
        assertEquals(SyncStatus.Synced, fleet.status().status(), () -> fleet.status().toString());

        fleet.deploy(good, "bogus: 1\n");
        fleet.reconciler.runOnce();
        beforeRestart = fleet.status();
        assertEquals(SyncStatus.Invalid, beforeRestart.status());
        assertTrue(beforeRestart.error().orElse("").contains("still reconciling the last valid state"),
                beforeRestart::toString);
    }

    @AfterEach
    void close() {
        fleet.close();
    }

    @Test
    void afterARestartAnInvalidAppIsStillReconciledAtItsLastValidState() throws Exception {
        fleet.startController();
        FileUtils.delete(fleet.base(0).resolve("releases").resolve(good).toFile(), FileUtils.RECURSIVE);

        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(Optional.of(good), status.sha());
        assertEquals(SyncStatus.Invalid, status.status());
        assertEquals(beforeRestart.error(), status.error());
        assertEquals(beforeRestart.problems(), status.problems());
        assertTrue(status.error().orElseThrow().startsWith("desired state is invalid (apps/hello/test.yaml:"),
                status::toString);
        assertTrue(Files.exists(fleet.base(0).resolve("current/app.py")), "the removed release was made again");
        assertEquals(good, fleet.currentSha(0));
        assertEquals(good, fleet.currentSha(1));
        assertTrue(fleet.reconciler.knows(Fleet.ID), "retry, pause and resume find the app");
        assertEquals(validRevision, fleet.history.recent(Fleet.ID).get(0).revision(),
                "the repair is recorded against the revision it came from");
    }

    @Test
    void aLastValidStateThatCannotBeReadAnyMoreIsReportedAndNoHostIsTouched() throws Exception {
        // As when the mirror was made afresh after a force-push dropped the commit from the branch.
        String gone = "0123456789abcdef0123456789abcdef01234567";
        Files.writeString(fleet.lastValidFile("state"), "{\"revisions\": {\"hello/test\": \"" + gone + "\"}}");
        fleet.startController();
        int before = fleet.server(0).commandsRun();

        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Invalid, status.status());
        assertEquals(Optional.empty(), status.sha());
        assertEquals(beforeRestart.problems(), status.problems());
        assertEquals(beforeRestart.problems().get(0) + "\nthe last valid desired state, at commit 0123456, cannot be"
                + " read any more: commit " + gone + " not found in the local mirror of " + fleet.desired.dir()
                + "; no host is reconciled until the desired state is valid again", status.error().orElseThrow());
        assertFalse(fleet.reconciler.knows(Fleet.ID));
        assertEquals(List.of(), fleet.stepsSince(0, before));
        assertTrue(Files.readString(fleet.lastValidFile("state")).contains(gone), "kept, in case it comes back");
    }

    @Test
    void anAppRemovedFromDesiredStateIsForgottenByTheStateFile() throws Exception {
        assertTrue(Files.readString(fleet.lastValidFile("state")).contains(validRevision));

        Files.delete(fleet.desired.dir().resolve("apps/hello/test.yaml"));
        fleet.desired.commitAll("hello/test is gone");
        fleet.reconciler.runOnce();

        assertFalse(Files.readString(fleet.lastValidFile("state")).contains("hello/test"));
    }
}
