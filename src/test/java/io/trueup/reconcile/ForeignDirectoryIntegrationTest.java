package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.status.HostState;
import io.trueup.status.HostStatus;
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

/**
 * trueup's {@code path} set to a directory that is someone else's (a conda install with its own
 * {@code envs/}): trueup changes nothing there, and its clean-up removes only what it names.
 */
@Timeout(180)
class ForeignDirectoryIntegrationTest {

    private static final String PARTIAL_ENV = "ab".repeat(32);

    @TempDir
    Path dir;

    Fleet fleet;
    String first;

    @BeforeEach
    void fleet() throws Exception {
        fleet = new Fleet(dir, 1, Map.of());
        first = fleet.app.head();
    }

    @AfterEach
    void close() {
        fleet.close();
    }

    /** Someone else's directory at {@code base}: a conda install, with environments of its own. */
    private static void condaLike(Path base) throws Exception {
        Files.createDirectories(base.resolve("envs/science/bin"));
        Files.writeString(base.resolve("envs/science/bin/python"), "#!/bin/sh\n");
        Files.createDirectories(base.resolve("envs/" + PARTIAL_ENV.toUpperCase() + "/bin"));
        Files.createDirectories(base.resolve("conda-meta"));
        Files.writeString(base.resolve("conda-meta/history"), "==> 2024-01-01 <==\n");
    }

    @Test
    void aNonEmptyDirectoryTrueupDidNotMakeIsRefusedAndLeftAsItIs() throws Exception {
        Path base = fleet.base(0);
        condaLike(base);
        List<String> before = tree(base);

        fleet.deploy(first, "");
        fleet.reconciler.runOnce();

        HostStatus host = fleet.hostStatus(0);
        assertEquals(HostState.Failed, host.state(), host::toString);
        String error = host.error().orElse("");
        assertTrue(error.contains("trueup will not deploy into hello on " + fleet.host(0)), error);
        assertTrue(error.contains("not empty and trueup did not make it"), error);
        assertTrue(error.contains("Set path to a directory that does not exist yet or is empty"), error);
        assertEquals(SyncStatus.Halted, fleet.status().status());
        assertEquals(before, tree(base), "nothing changed in the directory");
    }

    @Test
    void cleanUpRemovesOnlyEnvsTrueupNamed() throws Exception {
        fleet.deploy(first, "");
        fleet.reconciler.runOnce();
        assertEquals(SyncStatus.Synced, fleet.status().status(), () -> fleet.status().toString());
        Path base = fleet.base(0);
        condaLike(base);
        Files.createDirectories(base.resolve("envs/" + PARTIAL_ENV + "/bin"));

        fleet.reconciler.runOnce();

        assertTrue(Files.exists(base.resolve("envs/science/bin/python")), "the foreign env is left as it was");
        assertTrue(Files.isDirectory(base.resolve("envs/" + PARTIAL_ENV.toUpperCase() + "/bin")),
                "a name that is not a requirements hash is not trueup's");
        assertFalse(Files.exists(base.resolve("envs/" + PARTIAL_ENV)), "trueup's partial env is removed");
        assertEquals(SyncStatus.Synced, fleet.status().status(), () -> fleet.status().toString());
    }

    @Test
    void aBaseDirectoryAnEarlierTrueupMadeIsAdoptedAndMarked() throws Exception {
        fleet.deploy(first, "");
        fleet.reconciler.runOnce();
        Path marker = fleet.base(0).resolve(".trueup/base");
        assertTrue(Files.exists(marker), "a base directory trueup makes is marked");
        Files.delete(marker);

        String next = fleet.commitApp("app.py", Files.readString(fleet.app.dir().resolve("app.py")) + "# next\n");
        fleet.deploy(next, "");
        fleet.reconciler.runOnce();

        assertEquals(SyncStatus.Synced, fleet.status().status(), () -> fleet.status().toString());
        assertEquals(next, fleet.currentSha(0));
        assertTrue(Files.exists(marker), "marked when adopted");
    }

    @Test
    void anEmptyDirectoryMadeForTrueupIsDeployedInto() throws Exception {
        Files.createDirectories(fleet.base(0));

        fleet.deploy(first, "");
        fleet.reconciler.runOnce();

        assertEquals(SyncStatus.Synced, fleet.status().status(), () -> fleet.status().toString());
        assertEquals(first, fleet.currentSha(0));
    }

    @Test
    void aDirectoryHoldingOnlyTheSharedFilesPutThereFirstIsDeployedInto() throws Exception {
        Files.createDirectories(fleet.base(0).resolve("shared"));
        Files.writeString(fleet.base(0).resolve("shared/.env"), "DEBUG=0\n");

        fleet.deploy(first, "shared: [.env]\n");
        fleet.reconciler.runOnce();

        assertEquals(SyncStatus.Synced, fleet.status().status(), () -> fleet.status().toString());
        assertEquals("DEBUG=0\n", Files.readString(fleet.base(0).resolve("current/.env")));
        assertTrue(Files.exists(fleet.base(0).resolve(".trueup/base")), "marked as trueup's");
    }

    @Test
    void theBaseDirectoryOfAnotherAppEnvironmentIsRefusedAndLeftAsItIs() throws Exception {
        fleet.deploy(first, "");
        fleet.reconciler.runOnce();
        assertEquals(SyncStatus.Synced, fleet.status().status(), () -> fleet.status().toString());
        Path base = fleet.base(0);
        Path marker = base.resolve(".trueup/base");
        assertEquals(fleet.status().id().toString(), Files.readAllLines(marker).get(0),
                "the mark names its app/environment");
        // The same directory, reached by another app/environment through a path that names it otherwise.
        Files.writeString(marker, "shop/prod\n");
        List<String> before = outsideRepo(tree(base));

        String next = fleet.commitApp("app.py", Files.readString(fleet.app.dir().resolve("app.py")) + "# next\n");
        fleet.deploy(next, "");
        fleet.reconciler.runOnce();

        HostStatus host = fleet.hostStatus(0);
        assertEquals(HostState.Failed, host.state(), host::toString);
        String error = host.error().orElse("");
        assertTrue(error.contains("trueup will not deploy into hello on " + fleet.host(0)
                + ": it is the base directory of another app/environment"), error);
        assertTrue(error.contains("is the base directory of shop/prod"), error);
        assertEquals(first, fleet.currentSha(0), "not switched");
        // The push, git's own, only adds objects to repo.git; no command changed anything else.
        assertEquals(before, outsideRepo(tree(base)), "nothing changed in the directory but repo.git's objects");
    }

    @Test
    void aMountedVolumeHoldingOnlyLostAndFoundIsDeployedInto() throws Exception {
        Files.createDirectories(fleet.base(0).resolve("lost+found"));

        fleet.deploy(first, "");
        fleet.reconciler.runOnce();

        assertEquals(SyncStatus.Synced, fleet.status().status(), () -> fleet.status().toString());
        assertTrue(Files.isDirectory(fleet.base(0).resolve("lost+found")), "left as it was");
    }

    private static List<String> outsideRepo(List<String> paths) {
        return paths.stream().filter(p -> !p.startsWith("repo.git")).toList();
    }

    /** Every path under {@code base}, relative, sorted. */
    private static List<String> tree(Path base) throws Exception {
        try (var paths = Files.walk(base)) {
            return paths.map(p -> base.relativize(p).toString()).sorted().toList();
        }
    }
}
