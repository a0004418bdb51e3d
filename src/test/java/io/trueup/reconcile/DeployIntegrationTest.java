package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.RequirementsHash;
import io.trueup.ssh.EmbeddedSshServer;
import io.trueup.status.AppStatus;
import io.trueup.status.HostState;
import io.trueup.status.HostStatus;
import io.trueup.status.SyncStatus;
import io.trueup.support.Fleet;
import io.trueup.support.HostTree;
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
 * The core loop end to end with real parts: a desired-state git repository, an app
 * repository, hosts served by MINA's SSH server running real git, python3 -m venv and pip.
 */
@Timeout(120)
class DeployIntegrationTest {

    @TempDir
    Path dir;

    Fleet fleet;

    @BeforeEach
    void fleet() throws Exception {
        fleet = new Fleet(dir, 3, Map.of());
    }

    @AfterEach
    void close() {
        fleet.close();
    }

    private void assertAllAt(String sha) {
        for (int i = 0; i < fleet.size(); i++) {
            assertEquals(sha, fleet.currentSha(i), "current of host " + i);
        }
        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Synced, status.status(), () -> "status: " + status);
        assertTrue(status.hosts().stream().allMatch(h -> h.state() == HostState.Synced
                && h.sha().orElse("").equals(sha)), () -> "hosts: " + status.hosts());
    }

    @Test
    void firstDeployReachesEveryHostWithItsReleaseEnvAndRestart() throws Exception {
        String sha = fleet.app.head();
        String revision = fleet.deploy(sha, "");

        fleet.reconciler.runOnce();

        assertAllAt(sha);
        var rollout = fleet.history.recent(Fleet.ID).get(0);
        assertEquals(revision, rollout.revision());
        assertEquals("succeeded", rollout.result());
        assertEquals(3, rollout.hosts().size());
        String log = Files.readString(fleet.base(2).resolve(".trueup/history.log"));
        assertTrue(log.contains("\"sha\":\"" + sha + "\"") && log.contains("\"revision\":\"" + revision + "\"")
                && log.contains("\"result\":\"deployed\""), log);
        String env = fleet.requirementsHash().hex();
        for (int i = 0; i < fleet.size(); i++) {
            Path release = fleet.base(i).resolve("releases").resolve(sha);
            assertTrue(Files.isRegularFile(release.resolve("app.py")));
            assertEquals(Path.of("../../envs/" + env), Files.readSymbolicLink(release.resolve(".venv")));
            assertTrue(Files.exists(fleet.base(i).resolve("envs").resolve(env).resolve(".trueup-complete")));
            assertEquals(sha + "\n", Files.readString(fleet.server(i).root().resolve("restarts")));
        }
    }

    @Test
    void aChangeMadeDuringARolloutIsRolledOutWhenItEndsWithoutWaitingForAPoll() throws Exception {
        String first = fleet.app.head();
        String held = "restart: i=0; while [ ! -f \"$HOME/go\" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; "
                + "printf '%s\\n' \"$TRUEUP_SHA\" >> \"$HOME/restarts\"";
        String yaml = fleet.envYaml(first, fleet.requirementsHash().toString(), "");
        String restart = yaml.lines().filter(l -> l.startsWith("restart:")).findFirst().orElseThrow();
        fleet.writeEnv(yaml.replace(restart, held));
        List<java.util.concurrent.Future<?>> rollout = fleet.reconciler.startOnce();
        assertEquals(1, rollout.size());
        String second = fleet.commitApp("app.py", Files.readString(fleet.app.dir().resolve("app.py")) + "# v2\n");
        fleet.deploy(second, "");

        assertEquals(List.of(), fleet.reconciler.startOnce(), "the app is in flight: nothing more started now");
        for (int i = 0; i < fleet.size(); i++) {
            Files.writeString(fleet.server(i).root().resolve("go"), "");
        }
        rollout.get(0).get(60, java.util.concurrent.TimeUnit.SECONDS);

        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (!second.equals(fleet.currentSha(fleet.size() - 1)) || fleet.status().status() != SyncStatus.Synced
                || !fleet.status().sha().orElse("").equals(second)) {
            assertTrue(System.nanoTime() < deadline, () -> "not rolled out after the first rollout: " + fleet.status());
            Thread.sleep(50);
        }
        assertAllAt(second);
    }

    @Test
    void codeOnlyBumpReusesTheEnvAndRunsNoPip() throws Exception {
        fleet.deploy(fleet.app.head(), "");
        fleet.reconciler.runOnce();
        int before = fleet.server(0).commandsRun();

        String bumped = fleet.commitApp("app.py", Files.readString(fleet.app.dir().resolve("app.py")) + "# v2\n");
        fleet.deploy(bumped, "");
        fleet.reconciler.runOnce();

        assertAllAt(bumped);
        List<String> steps = fleet.stepsSince(0, before);
        assertEquals(List.of("receive-pack", "verify+release+confirm+switch+restart", "health", "record"),
                steps, "planned from what the last rollout's last command saw, verified by the first command on the"
                        + " host, which switches on trueup's word once it has made the release; the last command says"
                        + " what the host then holds, so no inspection follows it");
        assertEquals(List.of(fleet.requirementsHash().hex()), fleet.list(0, "envs"));
    }

    @Test
    void requirementsChangeBuildsANewEnvAndGoingBackReusesTheOld() throws Exception {
        String first = fleet.app.head();
        RequirementsHash firstEnv = fleet.requirementsHash();
        fleet.deploy(first, "");
        fleet.reconciler.runOnce();

        io.trueup.demo.Wheels.write("extra", "2.0", Map.of("extra/__init__.py", "X = 2\n".getBytes()),
                fleet.app.dir().resolve("wheels"));
        String second = fleet.commitApp("requirements.txt", "greeting==1.0\nextra==2.0\n");
        fleet.deploy(second, "");
        fleet.reconciler.runOnce();

        assertAllAt(second);
        assertEquals(2, fleet.list(0, "envs").size());
        Path env = fleet.base(0).resolve("envs").resolve(fleet.requirementsHash().hex());
        assertTrue(Files.exists(env.resolve(".trueup-complete")));

        int before = fleet.server(1).commandsRun();
        fleet.writeEnv(fleet.envYaml(first, firstEnv.toString(), ""));
        fleet.reconciler.runOnce();

        assertAllAt(first);
        assertEquals(List.of("verify+switch+restart", "health", "record"), fleet.stepsSince(1, before),
                "going back is a switch, verified as it starts: no push, no release, no env, and no inspection"
                        + " before it (what the last rollout's last command saw is recalled) nor after it");
    }

    @Test
    void aReleaseChangedByHandSinceTheLastInspectionIsMadeAgainWhenGoingBack() throws Exception {
        String first = fleet.app.head();
        fleet.deploy(first, "");
        fleet.reconciler.runOnce();
        String second = fleet.commitApp("app.py", Files.readString(fleet.app.dir().resolve("app.py")) + "# v2\n");
        fleet.deploy(second, "");
        fleet.reconciler.runOnce();
        assertAllAt(second);
        Path old = fleet.base(1).resolve("releases").resolve(first).resolve("app.py");
        String original = Files.readString(old);
        Files.writeString(old, original + "print('edited after the last inspection')\n");
        int before = fleet.server(1).commandsRun();
        int elsewhere = fleet.server(0).commandsRun();

        fleet.deploy(first, "");
        fleet.reconciler.runOnce();

        assertAllAt(first);
        assertEquals(original, Files.readString(fleet.base(1).resolve("current/app.py")),
                "the edited release was not switched to: it was made again");
        assertEquals(List.of("verify+switch+restart", "inspect", "release+confirm+switch+restart", "health", "record"),
                fleet.stepsSince(1, before), "the host that changed is inspected again and its plan made anew");
        assertEquals(List.of("verify+switch+restart", "health", "record"), fleet.stepsSince(0, elsewhere));
        assertEquals("succeeded", fleet.history.recent(Fleet.ID).get(0).result());
    }

    @Test
    void aRepositoryRemovedSinceTheLastInspectionIsMadeAgainByTheBump() throws Exception {
        fleet.deploy(fleet.app.head(), "");
        fleet.reconciler.runOnce();
        org.eclipse.jgit.util.FileUtils.delete(fleet.base(2).resolve("repo.git").toFile(),
                org.eclipse.jgit.util.FileUtils.RECURSIVE);
        int before = fleet.server(2).commandsRun();

        String bumped = fleet.commitApp("app.py", Files.readString(fleet.app.dir().resolve("app.py")) + "# v2\n");
        fleet.deploy(bumped, "");
        fleet.reconciler.runOnce();

        assertAllAt(bumped);
        List<String> steps = fleet.stepsSince(2, before);
        assertEquals("receive-pack", steps.get(0), steps::toString);
        assertEquals(List.of("inspect", "prepare", "receive-pack", "release+confirm+switch+restart", "health",
                "record"), steps.subList(steps.indexOf("inspect"), steps.size()),
                "the failed push is followed by a new inspection, and a plan that prepares the host");
        assertEquals("succeeded", fleet.history.recent(Fleet.ID).get(0).result());
    }

    @Test
    void convergedHostsGetNoWriteAtAll() throws Exception {
        fleet.deploy(fleet.app.head(), "");
        fleet.reconciler.runOnce();
        Map<String, String> tree = HostTree.snapshot(fleet.server(0).root());
        int before = fleet.server(0).commandsRun();

        fleet.reconciler.runOnce();

        assertEquals(List.of("inspect", "health"), fleet.stepsSince(0, before));
        assertEquals(tree, HostTree.snapshot(fleet.server(0).root()));
        assertEquals(SyncStatus.Synced, fleet.status().status());
    }

    @Test
    void invalidDesiredStateTouchesNoHostAndNamesFileAndLine() throws Exception {
        String good = fleet.app.head();
        fleet.deploy(good, "");
        fleet.reconciler.runOnce();
        int before = fleet.server(0).commandsRun();

        fleet.writeEnv(fleet.envYaml(good, fleet.requirementsHash().toString(), "keep: lots\n"));
        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Invalid, status.status());
        assertTrue(status.problems().get(0).toString().startsWith("apps/hello/test.yaml:12: keep: "),
                () -> status.problems().toString());
        assertEquals(List.of("inspect", "health"), fleet.stepsSince(0, before));
        assertAllHostsAt(good);
    }

    @Test
    void aShaMissingFromTheAppRepositoryIsInvalidAtTheShaLine() throws Exception {
        String good = fleet.app.head();
        fleet.deploy(good, "");
        fleet.reconciler.runOnce();

        fleet.deploy("0123456789abcdef0123456789abcdef01234567", "");
        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Invalid, status.status());
        String problem = status.problems().get(0).toString();
        assertTrue(problem.startsWith("apps/hello/test.yaml:9: sha: commit 0123456789abcdef"), problem);
        assertAllHostsAt(good);
    }

    @Test
    void aRequirementsHashThatDoesNotMatchIsInvalid() throws Exception {
        fleet.writeEnv(fleet.envYaml(fleet.app.head(), "sha256:" + "0".repeat(64), ""));

        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Invalid, status.status());
        assertTrue(status.problems().get(0).toString().startsWith("apps/hello/test.yaml:10: requirementsHash: "),
                () -> status.problems().toString());
        assertFalse(Files.exists(fleet.base(0)), "no host was touched");
    }

    @Test
    void aHandModifiedReleaseIsDetectedAndReplacedByAFreshOne() throws Exception {
        String sha = fleet.app.head();
        fleet.deploy(sha, "");
        fleet.reconciler.runOnce();
        Path appPy = fleet.base(1).resolve("current/app.py");
        String original = Files.readString(appPy);
        Files.writeString(appPy, original + "print('hotfix')\n");
        Files.writeString(fleet.base(1).resolve("current/stray.txt"), "x");

        fleet.reconciler.runOnce();

        assertEquals(original, Files.readString(appPy));
        assertFalse(Files.exists(fleet.base(1).resolve("current/stray.txt")));
        assertAllAt(sha);
        assertEquals(List.of(sha), fleet.list(1, "releases"));
    }

    @Test
    void aChangedHostKeyIsRefusedAndTheOtherHostsDeploy() throws Exception {
        EmbeddedSshServer impostor = fleet.replaceHostKey(2);
        String sha = fleet.app.head();
        fleet.deploy(sha, "");

        fleet.reconciler.runOnce();

        HostStatus refused = fleet.hostStatus(2);
        assertEquals(HostState.Unreachable, refused.state());
        assertTrue(refused.error().orElse("").contains("CHANGED"), refused.error().orElse(""));
        assertEquals(0, impostor.commandsRun());
        assertEquals(sha, fleet.currentSha(0));
        assertEquals(sha, fleet.currentSha(1));
        assertEquals(SyncStatus.Degraded, fleet.status().status());
    }

    @Test
    void aFailingRestartRollsTheHostBackAndStopsTheRollout() throws Exception {
        String good = fleet.app.head();
        fleet.deploy(good, "");
        fleet.reconciler.runOnce();

        String bad = fleet.commitApp("app.py", "broken\n");
        fleet.writeEnv(fleet.envYaml(bad, fleet.requirementsHash().toString(), "")
                .replace("restart: printf", "restart: test \"$TRUEUP_SHA\" != " + bad + " && printf"));
        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Halted, status.status());
        assertTrue(status.error().orElse("").contains("step restart failed"), status.error().orElse(""));
        assertTrue(status.error().orElse("").contains("rolled back to " + good.substring(0, 7)),
                status.error().orElse(""));
        assertAllHostsAt(good);
        assertEquals(List.of(good), fleet.list(2, "releases"), "the third host was never touched");

        int before = fleet.server(0).commandsRun();
        fleet.reconciler.runOnce();
        assertEquals(List.of("inspect"), fleet.stepsSince(0, before), "a halted rollout is not retried");
    }

    @Test
    void pipNeverReachesBeyondTheWheelhouse() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        io.trueup.demo.Wheels.write("extra", "2.0", Map.of("extra/__init__.py", "X = 2\n".getBytes()), elsewhere);
        fleet.close();
        fleet = new Fleet(dir.resolve("second"), 1, Map.of("PIP_FIND_LINKS", elsewhere.toString()));
        String good = fleet.app.head();
        String goodEnv = fleet.requirementsHash().hex();
        fleet.deploy(good, "");
        fleet.reconciler.runOnce();

        String needsExtra = fleet.commitApp("requirements.txt", "greeting==1.0\nextra==2.0\n");
        fleet.deploy(needsExtra, "");
        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Halted, status.status());
        assertTrue(status.error().orElse("").contains("step env failed"), status.error().orElse(""));
        assertTrue(status.error().orElse("").contains("extra==2.0"), status.error().orElse(""));
        assertEquals(good, fleet.currentSha(0));
        assertEquals(List.of(goodEnv), fleet.list(0, "envs"), "the failed env was not left behind");
        assertEquals(List.of(good), fleet.list(0, "releases"), "the failed release was removed at once");
    }

    @Test
    void prunesReleasesBeyondKeepAndTheEnvsOnlyTheyUsed() throws Exception {
        String first = fleet.app.head();
        RequirementsHash firstEnv = fleet.requirementsHash();
        fleet.deploy(first, "keep: 2\n");
        fleet.reconciler.runOnce();
        io.trueup.demo.Wheels.write("extra", "2.0", Map.of("extra/__init__.py", "X = 2\n".getBytes()),
                fleet.app.dir().resolve("wheels"));
        String second = fleet.commitApp("requirements.txt", "greeting==1.0\nextra==2.0\n");
        fleet.deploy(second, "keep: 2\n");
        fleet.reconciler.runOnce();
        RequirementsHash secondEnv = fleet.requirementsHash();
        io.trueup.demo.Wheels.write("extra", "3.0", Map.of("extra/__init__.py", "X = 3\n".getBytes()),
                fleet.app.dir().resolve("wheels"));
        String third = fleet.commitApp("requirements.txt", "greeting==1.0\nextra==3.0\n");
        fleet.deploy(third, "keep: 2\n");

        fleet.reconciler.runOnce();

        assertAllAt(third);
        assertEquals(List.of(second, third).stream().sorted().toList(), fleet.list(0, "releases"),
                "the oldest release is pruned; current and previous stay");
        assertEquals(List.of(secondEnv.hex(), fleet.requirementsHash().hex()).stream().sorted().toList(),
                fleet.list(0, "envs"), "the env only the pruned release used is gone: " + firstEnv);
        Path base = fleet.base(0);
        assertEquals(List.of("refs/trueup/" + second, "refs/trueup/" + third).stream().sorted().toList(),
                git(base, "--git-dir=repo.git", "for-each-ref", "--format=%(refname)").lines().sorted().toList(),
                "repo.git was collected at the end of the deploy: no ref left for the pruned release");
        assertTrue(Files.isRegularFile(base.resolve(".trueup/gc-at")));
        for (String kept : List.of(second, third)) {
            Path release = base.resolve("releases").resolve(kept);
            assertEquals("", git(release, "status", "--porcelain"), "a kept release is intact after gc");
            assertEquals(kept, git(release, "log", "-1", "--format=%H").strip());
        }
    }

    private static String git(Path dir, String... args) throws Exception {
        List<String> line = new java.util.ArrayList<>(List.of("git"));
        line.addAll(List.of(args));
        Process process = new ProcessBuilder(line).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), String.join(" ", line) + ": " + out);
        return out;
    }

    private void assertAllHostsAt(String sha) {
        for (int i = 0; i < fleet.size(); i++) {
            assertEquals(sha, fleet.currentSha(i), "current of host " + i);
        }
    }
}
