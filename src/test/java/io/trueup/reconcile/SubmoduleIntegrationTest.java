package io.trueup.reconcile;

import static io.trueup.support.GitCli.gitmodules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.status.AppStatus;
import io.trueup.status.HostState;
import io.trueup.status.SyncStatus;
import io.trueup.support.Fleet;
import io.trueup.support.GitCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An app whose commit has submodules (one with a nested one of its own) deploys with them at
 * their pinned commits, a bump of only a submodule is a deploy, a hand edit inside one is drift,
 * and a bad {@code .gitmodules} is Invalid before any host is touched: real git repositories, a
 * host served by MINA's SSH server running real git.
 */
@Timeout(180)
class SubmoduleIntegrationTest {

    @TempDir
    Path dir;

    Fleet fleet;
    GitCli inner;
    GitCli lib;
    GitCli app;

    @BeforeEach
    void fleet() throws Exception {
        fleet = new Fleet(dir, 1, Map.of());
        inner = GitCli.init(dir.resolve("inner"), "inner.txt", "inner 1\n");
        lib = GitCli.init(dir.resolve("lib"), "lib.txt", "lib 1\n");
        lib.pin(gitmodules("inner", "vendor/inner", "../inner"), "vendor/inner", inner.head());
        app = new GitCli(fleet.app.dir());
    }

    @AfterEach
    void close() {
        fleet.close();
    }

    /** Pins the app's submodule lib (at ../lib, beside the app's source) at lib's head. */
    private String pinLib() throws Exception {
        return app.pin(gitmodules("lib", "lib", "../lib"), "lib", lib.head());
    }

    private Path current(String file) {
        return fleet.base(0).resolve("current").resolve(file);
    }

    @Test
    void deploysWithNestedSubmodulesAtTheirPinnedCommitsAndStaysConverged() throws Exception {
        String sha = pinLib();
        fleet.deploy(sha, "");

        fleet.reconciler.runOnce();

        assertEquals(sha, fleet.currentSha(0), () -> "status: " + fleet.status());
        assertEquals(SyncStatus.Synced, fleet.status().status(), () -> "status: " + fleet.status());
        assertEquals("lib 1\n", Files.readString(current("lib/lib.txt")));
        assertEquals("inner 1\n", Files.readString(current("lib/vendor/inner/inner.txt")));
        int before = fleet.server(0).commandsRun();
        fleet.reconciler.runOnce();
        assertEquals(List.of("inspect", "health"), fleet.stepsSince(0, before),
                "a release with submodules inspects as pristine: no drift, no deploy");
    }

    @Test
    void aBumpOfOnlyTheSubmoduleDeploysANewReleaseAndGoingBackPushesNothing() throws Exception {
        String first = pinLib();
        fleet.deploy(first, "");
        fleet.reconciler.runOnce();

        lib.commitFile("lib.txt", "lib 2\n");
        String bumped = pinLib();
        fleet.deploy(bumped, "");
        fleet.reconciler.runOnce();

        assertEquals(bumped, fleet.currentSha(0));
        assertEquals("lib 2\n", Files.readString(current("lib/lib.txt")));
        assertEquals("inner 1\n", Files.readString(current("lib/vendor/inner/inner.txt")));
        int before = fleet.server(0).commandsRun();
        fleet.deploy(first, "");
        fleet.reconciler.runOnce();
        assertEquals(first, fleet.currentSha(0));
        assertEquals("lib 1\n", Files.readString(current("lib/lib.txt")));
        assertFalse(fleet.stepsSince(0, before).contains("receive-pack"),
                () -> "going back pushes nothing: " + fleet.stepsSince(0, before));
        assertEquals(SyncStatus.Synced, fleet.status().status(), () -> "status: " + fleet.status());
    }

    @Test
    void aHandEditInsideASubmoduleIsDriftAndSelfHealRepairsIt() throws Exception {
        String sha = pinLib();
        fleet.deploy(sha, "selfHeal: false\n");
        fleet.reconciler.runOnce();
        Files.writeString(current("lib/lib.txt"), "hotfix\n");
        Files.writeString(current("lib/vendor/inner/stray.txt"), "x");

        fleet.reconciler.runOnce();

        AppStatus drifted = fleet.status();
        assertEquals(HostState.OutOfSync, fleet.hostStatus(0).state(), () -> "status: " + drifted);
        assertTrue(drifted.toString().contains("lib"), () -> "the drift names the submodule: " + drifted);
        assertEquals("hotfix\n", Files.readString(current("lib/lib.txt")), "selfHeal: false reports only");

        fleet.deploy(sha, "");
        fleet.reconciler.runOnce();

        assertEquals("lib 1\n", Files.readString(current("lib/lib.txt")));
        assertFalse(Files.exists(current("lib/vendor/inner/stray.txt")));
        assertEquals(SyncStatus.Synced, fleet.status().status(), () -> "status: " + fleet.status());
    }

    @Test
    void aReleaseWhoseSubmoduleCommitWasRemovedFromTheHostFailsNamingIt() throws Exception {
        String sha = pinLib();
        fleet.deploy(sha, "");
        fleet.reconciler.runOnce();
        GitCli repo = new GitCli(fleet.base(0).resolve("repo.git"));
        repo.run("update-ref", "-d", "refs/trueup/modules/" + sha + "/" + lib.head());
        repo.run("update-ref", "-d", "refs/trueup/modules/" + sha + "/" + inner.head());
        repo.run("-c", "gc.reflogExpire=now", "gc", "-q", "--prune=now");
        GitCli.exec(List.of("rm", "-rf", fleet.base(0).resolve("releases").resolve(sha).toString()));

        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertTrue(status.toString().contains("release: submodule lib (in .tmp-" + sha), () -> "status: " + status);
        assertTrue(status.toString().contains("pins commit " + lib.head() + ", which repo.git lacks"),
                () -> "status: " + status);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ext::git-upload-pack | lib | submodule \"lib\": url ext::git-upload-pack must be a git URL",
        "../lib | ../x | submodule \"lib\": path ../x must be a plain relative path",
        "../absent | lib | cannot fetch submodule \"lib\" (lib) from "})
    void aBadGitmodulesIsInvalidAtTheShaLineAndTouchesNoHost(String url, String path, String expected)
            throws Exception {
        String bad = app.pin(gitmodules("lib", path, url), "lib", lib.head());
        fleet.deploy(bad, "");

        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Invalid, status.status());
        String problem = status.problems().get(0).toString();
        assertTrue(problem.startsWith("apps/hello/test.yaml:9: sha: app hello, commit " + bad.substring(0, 7)
                + ": .gitmodules: ") || problem.startsWith("apps/hello/test.yaml:9: sha: app hello: "), problem);
        assertTrue(problem.contains(expected), problem);
        assertFalse(Files.exists(fleet.base(0)), "no host was touched");
    }

    @Test
    void aCommitWithAVenvAtItsTopLevelIsInvalidAndTouchesNoHost() throws Exception {
        Files.createSymbolicLink(fleet.app.dir().resolve(".venv"), Path.of("lib"));
        app.run("add", ".venv");
        app.run("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "a .venv link");
        String bad = app.head();
        fleet.deploy(bad, "");

        fleet.reconciler.runOnce();

        String problem = fleet.status().problems().toString();
        assertTrue(problem.contains("sha: app hello, commit " + bad.substring(0, 7) + ": has .venv at its top level"),
                problem);
        assertFalse(Files.exists(fleet.base(0)), "no host was touched");
    }

    @Test
    void aSubmoduleCommitMissingAtItsSourceIsInvalid() throws Exception {
        String bad = app.pin(gitmodules("lib", "lib", "../lib"), "lib", "0123456789abcdef0123456789abcdef01234567");
        fleet.deploy(bad, "");

        fleet.reconciler.runOnce();

        String problem = fleet.status().problems().toString();
        assertTrue(problem.contains("sha: app hello, commit " + bad.substring(0, 7) + ": .gitmodules: submodule"
                + " \"lib\" pins commit 0123456 at lib, not found in " + dir.resolve("lib")), problem);
        assertFalse(Files.exists(fleet.base(0)), "no host was touched");
    }

    @Test
    void aSharedPathInsideOrAroundASubmoduleIsInvalid() throws Exception {
        String sha = app.pin(gitmodules("lib", "vendor/lib", "../lib"), "vendor/lib", lib.head());
        fleet.deploy(sha, "shared: [vendor/lib/data/]\n");
        fleet.reconciler.runOnce();
        AppStatus inside = fleet.status();
        fleet.deploy(sha, "shared: [vendor/]\n");
        fleet.reconciler.runOnce();
        AppStatus around = fleet.status();

        assertEquals(SyncStatus.Invalid, inside.status());
        assertTrue(inside.problems().toString().contains("shared: vendor/lib/data is inside submodule vendor/lib"),
                () -> inside.problems().toString());
        assertEquals(SyncStatus.Invalid, around.status());
        assertTrue(around.problems().toString().contains("shared: vendor holds submodule vendor/lib"),
                () -> around.problems().toString());
        assertFalse(Files.exists(fleet.base(0)), "no host was touched");
    }
}
