package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.status.AppStatus;
import io.trueup.status.HostState;
import io.trueup.status.SyncStatus;
import io.trueup.support.Fleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a real web app needs, end to end with real parts (MINA's SSH server running real git,
 * venv and pip on hosts that are directories): shared paths that outlive releases, config
 * rendered per host from templates with variables and secrets kept out of git, and the hooks
 * around the switch.
 */
@Timeout(180)
class WebAppIntegrationTest {

    private static final String SECRET = "s3cr3t-Value-42";
    private static final String TEMPLATE = """
            APP = "{app}/{env}"
            HOST = "{host}"
            SHA = "{sha}"
            GREETING = "{vars.greeting}"
            WORKER = {vars.worker}
            KEY = "{secret:api_key}"
            """;

    @TempDir
    Path dir;

    Fleet fleet;

    @BeforeEach
    void fleet() throws Exception {
        fleet = new Fleet(dir, 3, Map.of());
        Files.writeString(fleet.secrets.resolve("api_key"), SECRET + "\n");
        fleet.writeDesired("apps/hello/settings.tmpl", TEMPLATE);
    }

    @AfterEach
    void close() {
        fleet.close();
    }

    /** The environment's fields for a web app: shared data, a rendered settings file, the hooks given. */
    private String webApp(String hooks) {
        return """
                shared: [data/]
                config:
                  - template: settings.tmpl
                    dest: conf/settings.py
                    mode: "0600"
                vars:
                  greeting: hi
                  worker: 0
                hostVars:
                  "%s": {worker: 1}
                """.formatted(fleet.host(1)) + hooks;
    }

    private String release(int i) {
        return fleet.currentSha(i);
    }

    private void assertSynced() {
        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Synced, status.status(), () -> "status: " + status);
    }

    @Test
    void sharedPathsOutliveReleasesAndEachHostRunsTheConfigRenderedForIt() throws Exception {
        String first = fleet.app.head();
        fleet.deploy(first, webApp(""));

        fleet.reconciler.runOnce();

        assertSynced();
        for (int i = 0; i < fleet.size(); i++) {
            assertTrue(release(i).matches(first + "-[0-9a-f]{12}"), release(i));
            Path current = fleet.base(i).resolve("current");
            String settings = Files.readString(current.resolve("conf/settings.py"));
            assertEquals("""
                    APP = "hello/test"
                    HOST = "127.0.0.1"
                    SHA = "%s"
                    GREETING = "hi"
                    WORKER = %d
                    KEY = "%s"
                    """.formatted(first, i == 1 ? 1 : 0, SECRET), settings);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    current.resolve("conf/settings.py"))));
            assertEquals(Path.of("../../shared/data"), Files.readSymbolicLink(current.resolve("data")));
            Files.writeString(current.resolve("data/rows.txt"), "row written on host " + i + "\n");
        }
        assertEquals(release(0), release(2), "the same config for both, but for host 1's worker");
        assertNotEquals(release(0), release(1));
        int before = fleet.server(0).commandsRun();

        fleet.reconciler.runOnce();
        assertEquals(List.of("inspect", "health"), fleet.stepsSince(0, before),
                "a converged web app is inspected and its health checked, not redeployed");

        String second = fleet.commitApp("app.py", Files.readString(fleet.app.dir().resolve("app.py")) + "# v2\n");
        fleet.deploy(second, webApp(""));
        fleet.reconciler.runOnce();

        assertSynced();
        for (int i = 0; i < fleet.size(); i++) {
            assertTrue(release(i).startsWith(second + "-"), release(i));
            assertEquals("row written on host " + i + "\n",
                    Files.readString(fleet.base(i).resolve("current/data/rows.txt")), "the data outlived its release");
            assertTrue(Files.readString(fleet.base(i).resolve("current/conf/settings.py")).contains(second));
        }
    }

    @Test
    void aRotatedSecretRollsOutAsANewReleaseOfTheSameCommitAndTheOldOneIsKept() throws Exception {
        String sha = fleet.app.head();
        fleet.deploy(sha, webApp(""));
        fleet.reconciler.runOnce();
        String before = release(0);

        Files.writeString(fleet.secrets.resolve("api_key"), "rotated-" + SECRET);
        fleet.reconciler.runOnce();

        assertSynced();
        assertNotEquals(before, release(0));
        assertTrue(release(0).startsWith(sha + "-"));
        assertTrue(Files.readString(fleet.base(0).resolve("current/conf/settings.py")).contains("rotated-" + SECRET));
        assertTrue(Files.isDirectory(fleet.base(0).resolve("releases").resolve(before)), "kept for a rollback");
        assertEquals(Path.of("releases", before), Files.readSymbolicLink(fleet.base(0).resolve("previous")));
        assertEquals(sha, fleet.status().hosts().get(0).sha().orElseThrow(), "the SHA is the same; the release is not");
    }

    @Test
    void aRenderedFileEditedByHandIsDriftAndIsRepaired() throws Exception {
        fleet.deploy(fleet.app.head(), webApp(""));
        fleet.reconciler.runOnce();
        String release = release(2);
        Path settings = fleet.base(2).resolve("current/conf/settings.py");
        String rendered = Files.readString(settings);
        Files.writeString(settings, "DEBUG = True\n");
        fleet.startController();

        fleet.reconciler.runOnce();

        assertSynced();
        assertEquals(rendered, Files.readString(settings));
        assertEquals(release, release(2), "the same release, made again");
        var rollout = fleet.history.recent(Fleet.ID).get(0);
        assertEquals(List.of(fleet.host(2)), rollout.hosts().stream().map(RolloutHistory.HostResult::host).toList());
    }

    @Test
    void aMissingSecretVariableOrBrokenTemplateStopsTheAppBeforeAnyHostWithTheTemplatesFileAndLine()
            throws Exception {
        String sha = fleet.app.head();
        fleet.writeDesired("apps/hello/settings.tmpl", TEMPLATE + "TOKEN = \"{secret:no_such_secret}\"\n");
        fleet.deploy(sha, webApp(""));

        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Invalid, status.status());
        assertEquals(List.of("apps/hello/settings.tmpl:7: secret no_such_secret: no file "
                + fleet.secrets.resolve("no_such_secret")), status.problems().stream().map(Object::toString).toList());
        for (int i = 0; i < fleet.size(); i++) {
            assertEquals(0, fleet.server(i).commandsRun(), "no host was touched");
        }

        fleet.writeDesired("apps/hello/settings.tmpl", TEMPLATE + "PORT = {vars.port}\n");
        fleet.deploy(sha, webApp(""));
        fleet.reconciler.runOnce();
        assertEquals(List.of("apps/hello/settings.tmpl:7: rendering for " + fleet.host(0) + ": Key \"port\" not found"
                + " in the map with keys [greeting, worker] in expression {vars.port}"),
                fleet.status().problems().stream().map(Object::toString).toList());

        fleet.writeDesired("apps/hello/settings.tmpl", "A = 1\n{#if vars.greeting}\nB = 2\n");
        fleet.deploy(sha, webApp(""));
        fleet.reconciler.runOnce();
        List<String> problems = fleet.status().problems().stream().map(Object::toString).toList();
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("apps/hello/settings.tmpl:"), problems::toString);
        assertTrue(problems.get(0).contains("unterminated section [if]"), problems::toString);
        for (int i = 0; i < fleet.size(); i++) {
            assertEquals(0, fleet.server(i).commandsRun(), "no host was touched");
        }
        assertFalse(fleet.status().toString().contains(SECRET));
    }

    @Test
    void anInvalidTemplateKeepsTheLastValidReleaseRunning() throws Exception {
        fleet.deploy(fleet.app.head(), webApp(""));
        fleet.reconciler.runOnce();
        String release = release(0);

        fleet.writeDesired("apps/hello/settings.tmpl", TEMPLATE + "{vars.missing}\n");
        fleet.deploy(fleet.app.head(), webApp("keep: 3\n"));
        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Invalid, status.status());
        assertTrue(status.error().orElseThrow().contains("still reconciling the last valid state"), status::toString);
        assertEquals(release, release(0));
    }

    @Test
    void hooksBuildEveryNewReleaseMigrateOnceAndDrainEachHostAroundItsSwitch() throws Exception {
        String hooks = """
                hooks:
                  build: printf '%s|%s|%s|%s|%s|%s|%s\\n' "$TRUEUP_APP" "$TRUEUP_ENV" "$TRUEUP_HOST" "$TRUEUP_SHA" "$TRUEUP_PREVIOUS_SHA" "$VIRTUAL_ENV" "$(command -v python)" > built.txt; mkdir -p static && echo css > static/site.css
                  migrate: echo "migrated $TRUEUP_SHA in $(pwd)" >> "$HOME/migrations"
                  beforeSwitch: echo "out $(readlink "$TRUEUP_BASE/current")" >> "$HOME/lb"
                  afterSwitch: echo "in $(readlink "$TRUEUP_BASE/current")" >> "$HOME/lb"
                rollout:
                  batch: 3
                """;
        String first = fleet.app.head();
        fleet.deploy(first, webApp(hooks));
        fleet.reconciler.runOnce();
        String previous = release(0);
        String second = fleet.commitApp("app.py", Files.readString(fleet.app.dir().resolve("app.py")) + "# v2\n");
        for (int i = 0; i < fleet.size(); i++) {
            Files.delete(fleet.server(i).root().resolve("lb"));
        }

        fleet.deploy(second, webApp(hooks));
        fleet.reconciler.runOnce();

        assertSynced();
        for (int i = 0; i < fleet.size(); i++) {
            Path release = fleet.base(i).resolve("current");
            String venv = release.toRealPath().resolve(".venv").toString();
            assertEquals("hello|test|127.0.0.1|" + second + "|" + first + "|" + venv + "|" + venv + "/bin/python\n",
                    Files.readString(release.resolve("built.txt")));
            assertTrue(Files.exists(release.resolve(".git/trueup-built")), "the build ran to its end");
            assertEquals(List.of("out releases/" + (i == 0 ? previous : fleet.base(i).resolve("previous")
                    .toRealPath().getFileName()), "in releases/" + release(i)),
                    Files.readAllLines(fleet.server(i).root().resolve("lb")));
        }
        assertEquals(List.of("migrated " + first + " in " + fleet.base(0).resolve("releases").resolve(previous)
                .toRealPath(), "migrated " + second + " in " + fleet.base(0).resolve("releases").resolve(release(0))
                .toRealPath()), Files.readAllLines(fleet.server(0).root().resolve("migrations")),
                "once a rollout, on its first host, in the new release");
        assertFalse(Files.exists(fleet.server(1).root().resolve("migrations")));
        assertFalse(Files.exists(fleet.server(2).root().resolve("migrations")));
        int before = fleet.server(0).commandsRun();
        fleet.reconciler.runOnce();
        assertEquals(List.of("inspect", "health"), fleet.stepsSince(0, before), "what the build made is no drift");

        // A build cut off (a host rebooted during it) leaves a release without its mark: made and built again.
        Path cutOff = fleet.base(2).resolve("releases").resolve(release(2).equals(previous) ? previous
                : fleet.base(2).resolve("previous").toRealPath().getFileName().toString());
        Files.delete(cutOff.resolve(".git/trueup-built"));
        Files.delete(cutOff.resolve("built.txt"));

        fleet.desired.revert(fleet.desired.head());
        fleet.reconciler.runOnce();

        assertSynced();
        assertEquals(previous, release(0));
        assertTrue(Files.exists(fleet.base(2).resolve("current/built.txt")), "host 2's release was built again");
        assertEquals(2, Files.readAllLines(fleet.server(0).root().resolve("migrations")).size(),
                "going back to a release the hosts ran migrates nothing");
        assertEquals("in releases/" + previous, Files.readAllLines(fleet.server(0).root().resolve("lb")).getLast());
    }

    @Test
    void aFailedBuildLeavesTheHostOnItsReleaseAndRemovesTheFailedOne() throws Exception {
        fleet.deploy(fleet.app.head(), webApp(""));
        fleet.reconciler.runOnce();
        String release = release(0);
        String second = fleet.commitApp("app.py", "broken\n");

        fleet.deploy(second, webApp("hooks:\n  build: echo 'SyntaxError in app.py' >&2; exit 3\n"));
        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Halted, status.status());
        assertTrue(status.error().orElseThrow().contains("step build failed"), status::toString);
        assertTrue(status.error().orElseThrow().contains("SyntaxError in app.py"), status::toString);
        assertEquals(release, release(0));
        assertTrue(fleet.list(0, "releases").stream().noneMatch(r -> r.startsWith(second)),
                () -> "the failed release is removed: " + fleet.list(0, "releases"));
    }

    @Test
    void aFailedMigrationHaltsTheRolloutBeforeAnyHostSwitchesWithItsOutputInTheStatusAndHistory()
            throws Exception {
        fleet.deploy(fleet.app.head(), webApp(""));
        fleet.reconciler.runOnce();
        List<String> releases = List.of(release(0), release(1), release(2));
        String second = fleet.commitApp("app.py", Files.readString(fleet.app.dir().resolve("app.py")) + "# v2\n");
        int[] before = {fleet.server(0).commandsRun(), fleet.server(1).commandsRun(), fleet.server(2).commandsRun()};

        fleet.deploy(second, webApp("""
                hooks:
                  migrate: "echo 'django.db.utils.OperationalError: no such column' >&2; exit 1"
                rollout:
                  batch: 3
                  maxFailures: 2
                """));
        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Halted, status.status());
        assertTrue(status.error().orElseThrow().contains("step migrate failed"), status::toString);
        assertTrue(status.error().orElseThrow().contains("no such column"), status::toString);
        assertEquals(releases, List.of(release(0), release(1), release(2)), "no host switched");
        assertEquals(List.of(), fleet.stepsSince(1, before[1]), "the others did not start");
        assertEquals(List.of(), fleet.stepsSince(2, before[2]));
        var rollout = fleet.history.recent(Fleet.ID).get(0);
        assertTrue(rollout.result().startsWith("halted"), rollout::toString);
        RolloutHistory.HostResult host = rollout.hosts().get(0);
        assertEquals("migrate", host.step());
        assertTrue(host.output().contains("no such column"), host::toString);
    }

    @Test
    void aHostWhoseBeforeSwitchFailsIsNotSwitchedAndPutBack() throws Exception {
        fleet.deploy(fleet.app.head(), webApp(""));
        fleet.reconciler.runOnce();
        String release = release(0);
        String second = fleet.commitApp("app.py", Files.readString(fleet.app.dir().resolve("app.py")) + "# v2\n");

        fleet.deploy(second, webApp("""
                hooks:
                  beforeSwitch: echo out >> "$HOME/lb"; echo 'load balancer said no' >&2; exit 2
                  afterSwitch: echo in >> "$HOME/lb"
                """));
        fleet.reconciler.runOnce();

        assertEquals(SyncStatus.Halted, fleet.status().status());
        assertEquals(release, release(0));
        assertEquals(List.of("out", "in"), Files.readAllLines(fleet.server(0).root().resolve("lb")));
        assertTrue(fleet.status().error().orElseThrow().contains("afterSwitch put it back"), fleet.status()::toString);
    }

    @Test
    void aHostWhoseAfterSwitchFailsKeepsTheNewReleaseAndHaltsTheRollout() throws Exception {
        fleet.deploy(fleet.app.head(), webApp(""));
        fleet.reconciler.runOnce();
        String second = fleet.commitApp("app.py", Files.readString(fleet.app.dir().resolve("app.py")) + "# v2\n");

        fleet.deploy(second, webApp("hooks:\n  afterSwitch: echo 'pool is full' >&2; exit 4\n"));
        fleet.reconciler.runOnce();

        assertEquals(SyncStatus.Halted, fleet.status().status());
        assertTrue(release(0).startsWith(second), "healthy on the new release: switching back would not help");
        assertTrue(fleet.status().error().orElseThrow().contains("pool is full"), fleet.status()::toString);
        assertFalse(release(1).startsWith(second), "the rollout stopped after the first host");
    }

    @Test
    void aHookThatOutlivesItsTimeoutIsStoppedAndFailsTheHost() throws Exception {
        fleet.deploy(fleet.app.head(), webApp("hooks:\n  build: sleep 30\n  timeout: 1s\n"));

        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Halted, status.status());
        assertTrue(status.error().orElseThrow().contains("ran longer than 1s"), status::toString);
        assertEquals("", release(0));
    }

    @Test
    void aSecretThatAHookPrintsIsMaskedInTheStatusAndEveryHistory() throws Exception {
        fleet.deploy(fleet.app.head(), webApp("hooks:\n  build: cat conf/settings.py >&2; exit 1\n"));

        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Halted, status.status());
        assertTrue(status.error().orElseThrow().contains("KEY = \"[secret api_key]\""), status::toString);
        assertFalse(status.toString().contains(SECRET), status::toString);
        assertFalse(fleet.history.recent(Fleet.ID).toString().contains(SECRET));
        try (Stream<Path> files = Files.walk(dir.resolve("state"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1).contains(SECRET),
                        file::toString);
            }
        }
        assertFalse(Files.readString(fleet.base(0).resolve(".trueup/history.log")).contains(SECRET));
    }

    @Test
    void aSharedFileThatIsNotOnTheHostFailsTheReleaseNamingIt() throws Exception {
        fleet.deploy(fleet.app.head(), "shared: [.env]\n");

        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Halted, status.status());
        assertTrue(status.error().orElseThrow().contains("shared file .env is missing: put it in "
                + fleet.base(0).toRealPath().resolve("shared/.env")), status::toString);

        for (int i = 0; i < fleet.size(); i++) {
            Files.createDirectories(fleet.base(i).resolve("shared"));
            Files.writeString(fleet.base(i).resolve("shared/.env"), "DATABASE_URL=sqlite:///db.sqlite3\n");
        }
        fleet.deploy(fleet.app.head(), "shared: [.env]\nkeep: 4\n");
        fleet.reconciler.runOnce();

        assertSynced();
        assertEquals("DATABASE_URL=sqlite:///db.sqlite3\n", Files.readString(fleet.base(0).resolve("current/.env")));
        assertEquals(HostState.Synced, fleet.hostStatus(0).state());
    }

    @Test
    void aSymbolicLinkOfTheCommitNeverLeadsASharedPathOrAConfigFileOutOfTheRelease() throws Exception {
        Path victim = Files.createDirectories(dir.resolve("victim/b"));
        Files.writeString(victim.resolve("data"), "precious");
        Files.createSymbolicLink(fleet.app.dir().resolve("a"), dir.resolve("victim"));
        String sha = fleet.app.commitAll("a link out of the release");

        fleet.deploy(sha, "shared: [a/b/]\n");
        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Halted, status.status());
        assertTrue(status.error().orElseThrow().contains("a/b: a is a symbolic link in the commit"), status::toString);
        assertEquals("precious", Files.readString(victim.resolve("data")));

        fleet.writeDesired("apps/hello/settings.tmpl", "KEY = '{secret:api_key}'\n");
        fleet.deploy(sha, "config:\n  - {template: settings.tmpl, dest: a/settings.py}\n");
        fleet.reconciler.runOnce();

        assertTrue(fleet.status().error().orElseThrow().contains("a/settings.py: a is a symbolic link in the commit"),
                fleet.status()::toString);
        assertFalse(Files.exists(dir.resolve("victim/settings.py")), "no secret written outside the release");
    }

    @Test
    void anSdistInTheWheelhouseIsNeverCompiledAndTheErrorNamesThePackage() throws Exception {
        Files.writeString(fleet.app.dir().resolve("wheels/legacy-1.0.tar.gz"), "not really an sdist");
        Files.writeString(fleet.app.dir().resolve("requirements.txt"), "greeting==1.0\nlegacy==1.0\n");
        String sha = fleet.app.commitAll("needs legacy, which has no wheel");

        fleet.deploy(sha, "");
        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Halted, status.status());
        assertTrue(status.error().orElseThrow().contains("legacy has no wheel in the wheelhouse wheels, only"
                + " legacy-1.0.tar.gz"), status::toString);
        assertTrue(status.error().orElseThrow().contains("pip wheel --no-deps --wheel-dir wheels legacy-1.0.tar.gz"),
                status::toString);

        Files.delete(fleet.app.dir().resolve("wheels/legacy-1.0.tar.gz"));
        Files.writeString(fleet.app.dir().resolve("wheels/legacy-1.0-cp27-cp27mu-manylinux1_x86_64.whl"), "old");
        fleet.deploy(fleet.app.commitAll("a wheel of legacy for Python 2.7"), "");
        fleet.reconciler.runOnce();

        String error = fleet.status().error().orElseThrow();
        assertTrue(error.contains("legacy has wheels in the wheelhouse wheels, but none fits this host:"
                + " legacy-1.0-cp27-cp27mu-manylinux1_x86_64.whl; its python is 3."), error);
    }
}
