package io.trueup.host;

import static io.trueup.support.Specs.env;
import static io.trueup.support.Specs.sha;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.AppSpec;
import io.trueup.desired.ReleaseId;
import io.trueup.desired.Removal;
import io.trueup.desired.RenderedConfig;
import io.trueup.ssh.CommandResult;
import io.trueup.ssh.RemoteCommand;
import io.trueup.support.Specs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Commands of several steps, run by the host's {@code /bin/sh} in a local directory as a host would. */
@Timeout(60)
class HostCommandsTest {

    /** What {@code HostLock.env} gives with the default TTL: the owner and the time. */
    private static final Map<String, String> LOCK = Map.of("TRUEUP_LOCK_OWNER", "ctl/run1",
            "TRUEUP_LOCK_SINCE", "2026-11-22T03:00:00Z");

    @TempDir
    Path home;
    Path base;
    AppSpec spec;

    @BeforeEach
    void aHostWithACurrentRelease() throws IOException {
        base = home.resolve("srv/hello");
        AppSpec any = Specs.spec(sha('a'), env('1'), "web1");
        spec = new AppSpec(any.id(), any.source(), base.toString(), any.user(), any.requirements(), any.wheelhouse(),
                any.python(), any.restart(), any.stop(), any.health(), any.rollout(), any.keep(), any.selfHeal(), any.sha(),
                any.requirementsHash(), any.hosts(), any.file(), any.recipe(), java.util.Map.of());
        CommandResult prepared = run(List.of(HostCommands.prepare()));
        assertEquals(0, prepared.exitCode(), prepared.stderr());
        Files.createDirectories(base.resolve("releases").resolve(sha('a').hex()).resolve(".git"));
        Files.createSymbolicLink(base.resolve("current"), Path.of("releases", sha('a').hex()));
    }

    @Test
    void runsTheStepsInOrderUnderOneHoldOfTheLockAndReportsEachOnStdout() throws IOException {
        CommandResult result = run(List.of(HostCommands.record("{\"n\":1}"),
                restart("cat \"$TRUEUP_BASE/.trueup/lock\"; echo restarted"),
                HostCommands.record("{\"n\":2}")));

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("start record\ndone record\nstart restart\ndone restart\nstart record\ndone record\n",
                result.stdout(), "stdout carries only the steps' progress");
        assertTrue(result.stderr().contains("ctl/run1 since 2026-11-22T03:00:00Z pid "), result.stderr());
        assertTrue(result.stderr().contains("restarted"), "a step's own output goes to stderr");
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), history());
        assertFalse(Files.exists(base.resolve(".trueup/lock")), "the lock is gone once the command ends");
        assertEquals(List.of(HostStep.RECORD, HostStep.RESTART, HostStep.RECORD),
                StepReport.parse(result.stdout()).done());
    }

    @Test
    void aFailedStepEndsTheCommandWithItsExitCode() throws IOException {
        CommandResult result = run(List.of(restart("echo 'port in use' >&2; exit 3"),
                HostCommands.record("{\"n\":1}")));

        assertEquals(3, result.exitCode());
        assertEquals("start restart\nfailed restart 3\n", result.stdout());
        assertTrue(result.stderr().contains("port in use"));
        assertEquals(List.of(), history(), "no step after the failed one ran");
        assertFalse(Files.exists(base.resolve(".trueup/lock")));
        StepReport report = StepReport.parse(result.stdout());
        assertEquals(HostStep.RESTART, report.blame(HostStep.RECORD));
    }

    @Test
    void aStepThatMayFailLetsTheNextStepsRun() throws IOException {
        Files.createDirectories(base.resolve(".trueup/history.log"));

        CommandResult result = run(List.of(HostCommands.record("{\"n\":1}"), restart("echo ran")));

        assertEquals(0, result.exitCode(), result.stderr());
        StepReport report = StepReport.parse(result.stdout());
        assertEquals(List.of(HostStep.RECORD), List.copyOf(report.warned().keySet()), "failed, and said so");
        assertEquals(List.of(HostStep.RESTART), report.done());
    }

    @Test
    void aCommandWhoseControllerIsGoneStopsAtItsNextProgressLineAndFreesTheLock() throws Exception {
        RemoteCommand command = HostCommands.command(spec, List.of(restart("sleep 1"),
                HostCommands.record("{\"n\":1}"))).withEnv(LOCK);
        Process process = new ProcessBuilder("/bin/sh", "-c", command.render()).directory(home.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        process.getOutputStream().close();
        process.getInputStream().close(); // trueup's end of the channel is gone

        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(141, process.exitValue(), "SIGPIPE, handled");
        assertFalse(Files.exists(base.resolve(".trueup/lock")), "the lock went with it");
        assertEquals(List.of(), history(), "no step ran after the controller was gone");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "bash"})
    void aQuickStepsStartWaitsToBeSaidOnlyWhileNoEndOfAStepThatChangedTheHostWaitsWithIt(String shell)
            throws Exception {
        Path release = base.resolve("releases").resolve(sha('a').hex());
        Files.createDirectories(release.resolve(".venv"));
        Files.createFile(release.resolve(".venv/.trueup-complete"));
        // A previous release since removed: its link resolves to nothing, so verify reads it with ls.
        Files.createSymbolicLink(base.resolve("previous"), Path.of("releases", sha('b').hex()));
        HostCommands.Step verify = HostCommands.verify("releases/" + sha('a').hex(), "releases/" + sha('b').hex(),
                env('1'), false, Optional.empty(), false, RenderedConfig.NONE);

        // verify, quick and first, reads previous with ls: nothing is said while it runs.
        Process first = startIn(shell, List.of(verify, restart("true")), blocking("ls"));
        String firstSaid = whileBlocked(first);
        assertEquals("", firstSaid, "verify, quick and first, is not said while it runs");
        assertEquals("start verify\ndone verify\nstart restart\ndone restart\n", rest(first, firstSaid));

        // switch is not quick (the write of its start ends a command whose trueup is gone before it
        // switches): said at once, with verify's lines, before it links anything.
        switchable('c');
        Process second = startIn(shell, List.of(verify, HostCommands.switchTo(Specs.release('c'), Instant.EPOCH)),
                blocking("ln"));
        String secondSaid = whileBlocked(second);
        assertEquals("start verify\ndone verify\nstart switch\n", secondSaid);
        assertEquals("start verify\ndone verify\nstart switch\ndone switch\n", rest(second, secondSaid));

        // record is quick, but after restart, which changed the host: said at once, with restart's end.
        Files.createDirectories(base.resolve(".trueup"));
        Files.writeString(base.resolve(".trueup/history.log"), "{\"n\":0}\n");
        Process third = startIn(shell, List.of(restart("true"), HostCommands.record("{\"n\":1}")), blocking("wc"));
        String thirdSaid = whileBlocked(third);
        assertEquals("start restart\ndone restart\nstart record\n", thirdSaid);
        assertEquals("start restart\ndone restart\nstart record\ndone record\n", rest(third, thirdSaid));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "bash"})
    void confirmGoesOnOnlyOnTrueupsWordAndNoOtherStepReadsIt(String shell) throws Exception {
        List<HostCommands.Step> steps = List.of(
                restart("cat; if (: <&3) 2>/dev/null; then echo fd 3 open; fi"),
                HostCommands.confirm(), HostCommands.record("{\"n\":1}"));

        CommandResult told = runIn(shell, steps, HostCommands.GO + "\n", true);

        assertEquals(0, told.exitCode(), told.stderr());
        assertEquals("start restart\ndone restart\nstart confirm\ndone confirm\nstart record\ndone record\n",
                told.stdout());
        assertEquals(List.of("{\"n\":1}"), history());
        assertFalse(told.stderr().contains("go"), "the step before read the word: " + told.stderr());
        assertFalse(told.stderr().contains("fd 3 open"), "the step before could read the word: " + told.stderr());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "bash"})
    void withoutTrueupsWordConfirmEndsTheCommandBeforeTheNextStepAndFreesTheLock(String shell) throws Exception {
        List<HostCommands.Step> steps = List.of(HostCommands.confirm(), HostCommands.record("{\"n\":1}"));

        CommandResult gone = runIn(shell, steps, "", true);
        CommandResult other = runIn(shell, steps, "stop\n", true);

        for (CommandResult result : List.of(gone, other)) {
            assertEquals(HostCommands.NO_WORD, result.exitCode());
            assertEquals("start confirm\nfailed confirm 77\n", result.stdout());
            assertTrue(result.stderr().contains("stopped before the switch"), result.stderr());
        }
        assertEquals(List.of(), history(), "no step after confirm ran");
        assertFalse(Files.exists(base.resolve(".trueup/lock")));
        assertTrue(HostCommands.confirms("start confirm"));
        assertFalse(HostCommands.confirms("done confirm"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "bash"})
    void confirmWaitsForTrueupsWordOnlySoLongAndThenFreesTheLock(String shell) throws Exception {
        List<HostCommands.Step> steps = List.of(new HostCommands.Step(HostStep.CONFIRM, List.of("1"), false),
                HostCommands.record("{\"n\":1}"));

        // Its stdin stays open with nothing said: a connection whose other end fell silent.
        CommandResult silent = runIn(shell, steps, "", false);

        assertEquals(HostCommands.NO_WORD, silent.exitCode());
        assertEquals("start confirm\nfailed confirm 77\n", silent.stdout());
        assertTrue(silent.stderr().contains("no word from trueup to switch within 1s"), silent.stderr());
        assertEquals(List.of(), history());
        assertFalse(Files.exists(base.resolve(".trueup/lock")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "bash"})
    void withoutTrueupsWordConfirmFreesEvenALockKeptForTheDeploysNextCommand(String shell) throws Exception {
        Map<String, String> held = new java.util.HashMap<>(LOCK);
        held.put("TRUEUP_LOCK_HOLD", "1");
        List<HostCommands.Step> steps = List.of(HostCommands.confirm(), HostCommands.record("{\"n\":1}"));

        CommandResult told = runIn(shell, steps, HostCommands.GO + "\n", true, held);
        assertEquals(0, told.exitCode(), told.stderr());
        assertTrue(Files.exists(base.resolve(".trueup/lock")), "kept for the deploy's next command");

        CommandResult gone = runIn(shell, steps, "", true, held);
        assertEquals(HostCommands.NO_WORD, gone.exitCode(), gone.stderr());
        assertFalse(Files.exists(base.resolve(".trueup/lock")), "no next command comes: the lock goes");
    }

    @Test
    void verifyLetsTheStepsRunOnlyWhileTheHostIsAsInspected() throws IOException {
        String seen = "releases/" + sha('a').hex();
        CommandResult asSeen = run(List.of(HostCommands.verify(seen, "", env('1'), false, java.util.Optional.empty(), false,
                RenderedConfig.NONE),
                HostCommands.record("{\"n\":1}")));
        assertEquals(0, asSeen.exitCode(), asSeen.stderr());

        Files.createDirectories(base.resolve("releases").resolve(sha('b').hex()).resolve(".git"));
        Files.delete(base.resolve("current"));
        Files.createSymbolicLink(base.resolve("current"), Path.of("releases", sha('b').hex()));
        CommandResult changed = run(List.of(HostCommands.verify(seen, "", env('1'), false, java.util.Optional.empty(), false,
                RenderedConfig.NONE),
                HostCommands.record("{\"n\":2}")));

        assertEquals(HostCommands.NOT_AS_SEEN, changed.exitCode());
        assertEquals("start verify\nfailed verify 76\n", changed.stdout());
        assertTrue(changed.stderr().contains("current points at releases/" + sha('b').hex() + ", not " + seen),
                changed.stderr());
        assertEquals(List.of("{\"n\":1}"), history(), "nothing ran after the verify that failed");

        String now = "releases/" + sha('b').hex();
        CommandResult previous = run(List.of(HostCommands.verify(now, seen, env('1'), false,
                java.util.Optional.empty(), false, RenderedConfig.NONE)));
        assertEquals(HostCommands.NOT_AS_SEEN, previous.exitCode());
        assertTrue(previous.stderr().contains("previous points at nothing, not " + seen), previous.stderr());

        CommandResult noEnv = run(List.of(HostCommands.verify(now, "", env('1'), true,
                java.util.Optional.of(ReleaseId.of(sha('c'))), false, RenderedConfig.NONE)));
        assertEquals(HostCommands.NOT_AS_SEEN, noEnv.exitCode());
        assertTrue(noEnv.stderr().contains("env " + env('1').hex() + " is gone or incomplete"), noEnv.stderr());
    }

    @Test
    void verifyTakesALinkAsSeenWhenItResolvesToWhatWasSeenOrReadsAsItWas() throws IOException {
        String seen = "releases/" + sha('a').hex();
        String gone = "releases/" + sha('b').hex();
        Files.delete(base.resolve("current"));
        Files.createSymbolicLink(base.resolve("current"), base.resolve(seen)); // the same release, by its full path
        Files.createSymbolicLink(base.resolve("previous"), Path.of(gone)); // as inspected, its release since removed

        CommandResult result = run(List.of(HostCommands.verify(seen, gone, env('1'), false, Optional.empty(), false,
                RenderedConfig.NONE)));

        assertEquals(0, result.exitCode(), result.stderr());
    }

    @Test
    void aBusyLockRunsNoStep() throws IOException {
        lockHeldBy("other/x", 1);

        CommandResult result = run(List.of(HostCommands.record("{\"n\":1}")));

        assertEquals(75, result.exitCode());
        assertEquals("", result.stdout());
        assertTrue(result.stderr().contains("locked by other/x"), result.stderr());
        assertEquals(List.of(), history());
        assertEquals("other/x since 2026-11-22T02:00:00Z pid 1\n", Files.readString(base.resolve(".trueup/lock")),
                "the other controller's lock is left alone");
    }

    @Test
    void aTakerThatFindsAnotherTakersLockWhereTheStaleOneWasPutsItBackAndWaits() throws Exception {
        lockHeldBy("ctl/run0", 999999999); // stale: this controller's earlier run, its command gone

        // Stopped just before it moves the stale lock away; meanwhile another taker replaces it.
        Process taker = startIn("dash", List.of(HostCommands.record("{\"n\":1}")), blocking("mv"));
        whileBlocked(taker, () -> lockHeldBy("other/y", 1));

        assertTrue(taker.waitFor(20, TimeUnit.SECONDS));
        assertEquals(75, taker.exitValue());
        assertEquals("other/y since 2026-11-22T02:00:00Z pid 1\n", Files.readString(base.resolve(".trueup/lock")),
                "the other taker's lock, put back");
        assertEquals(List.of(), history());
        try (var files = Files.list(base.resolve(".trueup"))) {
            assertEquals(List.of(), files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("lock."))
                    .toList(), "nothing left aside");
        }
    }

    @Test
    void aLockWhoseLineCannotBeWrittenIsNotLeftEmpty() throws Exception {
        Files.createDirectories(base.resolve(".trueup"));
        // Where the lock's line cannot go (as on a full disk): the shell opens it, the write fails.
        Files.createSymbolicLink(base.resolve(".trueup/lock"), Path.of("/dev/full"));

        CommandResult result = run(List.of(HostCommands.record("{\"n\":1}")));

        assertEquals(1, result.exitCode(), result.stderr());
        assertTrue(result.stderr().contains("cannot write the lock .trueup/lock"), result.stderr());
        assertFalse(Files.exists(base.resolve(".trueup/lock"), java.nio.file.LinkOption.NOFOLLOW_LINKS),
                "no lock left to hold off every controller");
        assertEquals(List.of(), history());
    }

    @Test
    void anEarlierTrueupsLockDirectoryIsSaidWaitedForAndTakenOverAsALockFileIs() throws IOException {
        Path held = Files.createDirectories(base.resolve(".trueup/lock"));
        Files.writeString(held.resolve("owner"), "other/x since 2026-11-22T02:00:00Z pid 1\n");

        CommandResult inspection = run(HostCommands.inspect(spec, spec.hosts().get(0)));
        CommandResult busy = run(List.of(HostCommands.record("{\"n\":1}")));

        assertEquals(Optional.of("other/x since 2026-11-22T02:00:00Z pid 1"),
                io.trueup.observe.ObservationParser.parse(inspection.stdout()).lock(), inspection.stdout());
        assertEquals(75, busy.exitCode(), busy.stderr());
        assertTrue(busy.stderr().contains("locked by other/x"), busy.stderr());

        Files.writeString(held.resolve("owner"), "ctl/run0 since 2026-11-22T02:00:00Z pid 999999999\n");
        CommandResult taken = run(List.of(HostCommands.record("{\"n\":2}")));

        assertEquals(0, taken.exitCode(), taken.stderr());
        assertTrue(taken.stderr().contains("took over the lock of ctl/run0"), taken.stderr());
        assertEquals(List.of("{\"n\":2}"), history());
        assertFalse(Files.exists(base.resolve(".trueup/lock")), "freed as this command ends");
    }

    @Test
    void aLockKeptForThisDeployIsTakenAgainOnlyOnceTheCommandThatKeptItIsGone() throws IOException {
        // Kept by this run's earlier command, which still runs here (a restart trueup gave up on, say).
        lockHeldBy("ctl/run1", ProcessHandle.current().pid());

        CommandResult busy = run(List.of(HostCommands.record("{\"n\":1}")));

        assertEquals(75, busy.exitCode(), busy.stderr());
        assertTrue(busy.stderr().contains("a command of this trueup that still runs here"), busy.stderr());
        assertEquals(List.of(), history());

        lockHeldBy("ctl/run1", 999999999);
        CommandResult again = run(List.of(HostCommands.record("{\"n\":2}")));

        assertEquals(0, again.exitCode(), again.stderr());
        assertEquals(List.of("{\"n\":2}"), history(), "taken again once that command is gone");
        assertFalse(Files.exists(base.resolve(".trueup/lock")), "and freed by this last command");
    }

    @Test
    void aLockLeftByAnotherRunOfThisControllerIsTakenOverOnceItsCommandIsGone() throws IOException {
        lockHeldBy("ctl/run0", ProcessHandle.current().pid());

        CommandResult busy = run(List.of(HostCommands.record("{\"n\":1}")));

        assertEquals(75, busy.exitCode(), busy.stderr());
        assertTrue(busy.stderr().contains("locked by ctl/run0"), busy.stderr());

        lockHeldBy("ctl/run0", 999999999);
        CommandResult taken = run(List.of(HostCommands.record("{\"n\":2}")));

        assertEquals(0, taken.exitCode(), taken.stderr());
        assertTrue(taken.stderr().contains("took over the lock of ctl/run0"), taken.stderr());
        assertEquals(List.of("{\"n\":2}"), history());

        lockHeldBy("ctlx/run0", 999999999);
        CommandResult other = run(List.of(HostCommands.record("{\"n\":3}")));

        assertEquals(75, other.exitCode(), "another controller's lock waits for its TTL: " + other.stderr());
    }

    @Test
    void argumentsReachTheStepsAsDataNeverAsCode() throws IOException {
        String line = "{\"x\":\"'; touch pwned; echo \\\" $(touch pwned) `touch pwned` ${HOME} \\\\\"}";

        CommandResult recorded = run(List.of(HostCommands.record(line), HostCommands.record(line)));

        assertEquals(0, recorded.exitCode(), recorded.stderr());
        assertEquals(List.of(line, line), history());
        assertFalse(Files.exists(home.resolve("pwned")));
        assertFalse(Files.exists(base.resolve("pwned")));
    }

    @Test
    void theHostsHistoryRotatesAtItsLimitKeepingTheNewestLinesInTwoFiles() throws IOException {
        String line = "{\"n\":00}"; // 10 bytes and a newline
        long limit = 5 * (line.length() + 1);

        for (int n = 0; n < 12; n++) {
            CommandResult result = run(List.of(HostCommands.record(String.format("{\"n\":%02d}", n), limit)));
            assertEquals("start record\ndone record\n", result.stdout(), result.stderr());
        }

        assertEquals(List.of("{\"n\":10}", "{\"n\":11}"), history(), "the newest, since the last rotation");
        assertEquals(List.of("{\"n\":05}", "{\"n\":06}", "{\"n\":07}", "{\"n\":08}", "{\"n\":09}"),
                Files.readAllLines(base.resolve(".trueup/history.log.1")), "the five before, never past the limit");
        try (var files = Files.list(base.resolve(".trueup"))) {
            assertEquals(List.of("history.log", "history.log.1"), files.map(f -> f.getFileName().toString())
                    .filter(f -> f.startsWith("history.log")).sorted().toList(), "one older file, no more");
        }
        assertEquals(Files.size(base.resolve(".trueup/history.log")),
                Long.parseLong(Files.readString(base.resolve(".trueup/history.size")).strip()),
                "the log's size, as kept for the next record to read rather than count");
    }

    @Test
    void undeployStopsTheAppInTheCurrentReleaseThenRemovesCurrentAndPreviousAndKeepsReleases() throws IOException {
        Files.createDirectories(base.resolve("releases").resolve(sha('b').hex()).resolve(".git"));
        Files.createSymbolicLink(base.resolve("previous"), Path.of("releases", sha('b').hex()));
        Removal removal = removal(
                Optional.of("echo \"$TRUEUP_SHA $TRUEUP_APP/$TRUEUP_ENV $PWD\" > \"$TRUEUP_BASE/stopped\""));

        CommandResult result = run(HostCommands.undeploy(removal, "{\"result\":\"undeployed\"}"));

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("start stop\ndone stop\nstart unlink\ndone unlink\nstart record\ndone record\n",
                result.stdout());
        assertEquals(sha('a').hex() + " hello/prod " + base.toRealPath().resolve("releases").resolve(sha('a').hex())
                + "\n", Files.readString(base.resolve("stopped")), "stop ran in the current release");
        assertFalse(Files.exists(base.resolve("current"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(base.resolve("previous"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isDirectory(base.resolve("releases").resolve(sha('a').hex())), "releases stay");
        assertEquals(List.of("{\"result\":\"undeployed\"}"), history());
        assertFalse(Files.exists(base.resolve(".trueup/lock")));
    }

    @Test
    void aStopThatFailsLeavesCurrentInPlace() throws IOException {
        CommandResult result = run(HostCommands.undeploy(removal(Optional.of("echo 'still busy' >&2; exit 4")),
                "{}"));

        assertEquals(4, result.exitCode());
        assertEquals("start stop\nfailed stop 4\n", result.stdout());
        assertTrue(result.stderr().contains("still busy"), result.stderr());
        assertTrue(Files.isSymbolicLink(base.resolve("current")));
        assertEquals(List.of(), history());
    }

    @Test
    void undeployingAgainOrWhereNothingWasDeployedSucceedsWithoutRunningStop() throws IOException {
        Removal removal = removal(Optional.of("echo ran >> \"$TRUEUP_BASE/stopped\""));
        assertEquals(0, run(HostCommands.undeploy(removal, "{}")).exitCode());

        CommandResult again = run(HostCommands.undeploy(removal, "{}"));
        CommandResult nowhere = run(HostCommands.undeploy(new Removal(removal.id(), removal.host(),
                home.resolve("srv/never").toString(), "deploy", removal.stop()), "{}"));

        assertEquals(0, again.exitCode(), again.stderr());
        assertTrue(again.stderr().contains("nothing to stop"), again.stderr());
        assertEquals(0, nowhere.exitCode(), nowhere.stderr());
        assertEquals(List.of("ran"), Files.readAllLines(base.resolve("stopped")), "stop ran once");
        assertFalse(Files.exists(home.resolve("srv/never")), "no base directory made");
    }

    private Removal removal(Optional<String> stop) {
        return new Removal(spec.id(), spec.hosts().get(0), base.toString(), "deploy", stop);
    }

    @Test
    void aDeploysLastCommandSaysWhatTheHostHoldsAsItEndsAsAnInspectionWouldButForTheReleaseCheck() {
        io.trueup.desired.HostAddress host = spec.hosts().get(0);

        CommandResult result = run(HostCommands.reporting(spec, List.of(restart("echo restarted"),
                HostCommands.record("{\"n\":1}"))));

        assertEquals(0, result.exitCode(), result.stderr());
        assertTrue(result.stdout().startsWith("start restart\ndone restart\nstart record\ndone record\nseen\n"),
                result.stdout());
        Optional<String> seen = StepReport.parse(result.stdout()).seen();
        assertTrue(seen.isPresent(), result.stdout());
        assertEquals(List.of(HostStep.RESTART, HostStep.RECORD), StepReport.parse(result.stdout()).done());
        io.trueup.observe.Observation reported = io.trueup.observe.ObservationParser.parse(seen.get());
        CommandResult inspection = run(HostCommands.inspect(spec, host));
        assertEquals(0, inspection.exitCode(), inspection.stderr());
        io.trueup.observe.Observation inspected = io.trueup.observe.ObservationParser.parse(inspection.stdout());
        assertEquals(Optional.of(ReleaseId.of(sha('a'))), reported.current());
        assertEquals(List.of(inspected.current(), inspected.previous(), inspected.releases(), inspected.envs(),
                inspected.leftovers(), inspected.basePresent(), inspected.repoPresent()),
                List.of(reported.current(), reported.previous(), reported.releases(), reported.envs(),
                        reported.leftovers(), reported.basePresent(), reported.repoPresent()),
                "what the command says is what an inspection after it sees");
        assertTrue(reported.checks().isEmpty(), "no release checked: a deploy planned from it verifies its own");
        assertTrue(reported.lock().isEmpty(), "the command's own lock goes as it ends: not said");
        assertFalse(Files.exists(base.resolve(".trueup/lock")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "bash"})
    void theInspectionSaysWhereEachLinkLeadsAndReadsWithLsOnlyThoseThatLeadToNoReleaseOrEnv(String shell)
            throws IOException, InterruptedException {
        String a = sha('a').hex();
        String b = sha('b').hex();
        String c = sha('c').hex();
        Files.createDirectories(base.resolve("releases").resolve(b).resolve(".git"));
        Files.createDirectories(base.resolve("releases").resolve(c).resolve(".git"));
        for (char e : new char[] {'1', '2'}) {
            Files.createDirectories(base.resolve("envs").resolve(env(e).hex()));
            Files.createFile(base.resolve("envs").resolve(env(e).hex()).resolve(".trueup-complete"));
        }
        Files.createSymbolicLink(base.resolve("releases").resolve(a).resolve(".venv"),
                Path.of("../../envs", env('2').hex()));
        // Absolute, as a person may have made it: it leads to env 1 all the same.
        Files.createSymbolicLink(base.resolve("releases").resolve(b).resolve(".venv"),
                base.resolve("envs").resolve(env('1').hex()));
        Files.createSymbolicLink(base.resolve("previous"), Path.of("releases", b));
        Path bin = recording("ls");

        io.trueup.observe.Observation seen = inspectWith(shell, bin);

        assertEquals(Optional.of(ReleaseId.of(sha('a'))), seen.current());
        assertEquals(Optional.of(ReleaseId.of(sha('b'))), seen.previous());
        assertEquals(Optional.of(env('2')), seen.releases().get(ReleaseId.of(sha('a'))).env());
        assertEquals(Optional.of(env('1')), seen.releases().get(ReleaseId.of(sha('b'))).env());
        assertEquals(Optional.empty(), seen.releases().get(ReleaseId.of(sha('c'))).env(), "c has no .venv");
        assertFalse(Files.exists(home.resolve("ls.ran")), "every link led to a release or an env: no ls");

        // A previous whose release is gone, a .venv that leads outside the base directory: read as text.
        Files.delete(base.resolve("previous"));
        Files.createSymbolicLink(base.resolve("previous"), Path.of("releases", sha('d').hex()));
        Files.createSymbolicLink(base.resolve("releases").resolve(c).resolve(".venv"), Path.of("/usr"));

        io.trueup.observe.Observation again = inspectWith(shell, bin);

        assertEquals(Optional.of(ReleaseId.of(sha('a'))), again.current());
        assertEquals(Optional.of(ReleaseId.of(sha('d'))), again.previous(), "a dangling link, said as it reads");
        assertEquals(Optional.empty(), again.releases().get(ReleaseId.of(sha('c'))).env(), "not an env of ours");
        assertEquals(Optional.of(env('1')), again.releases().get(ReleaseId.of(sha('b'))).env());
        assertEquals(List.of("-ld previous releases/" + c + "/.venv"), Files.readAllLines(home.resolve("ls.ran")),
                "one ls, of those two links alone");
    }

    @Test
    void aSwitchReadsCurrentWithNoProcessAndRenamesBothLinksWithOneMv() throws IOException, InterruptedException {
        String b = sha('b').hex();
        Path other = switchable('b');
        // Left by a switch cut off between its ln and its mv: a new link leading to a directory
        // (absolute), which ln would otherwise make the new link in.
        Files.createDirectories(base.resolve(".trueup/links"));
        Files.createSymbolicLink(base.resolve(".trueup/links/previous"), other);
        Path bin = recording("readlink", "mv");

        Process process = startIn("dash", List.of(HostCommands.switchTo(Specs.release('b'), Instant.EPOCH)), bin);
        assertEquals("start switch\ndone switch\n", rest(process, ""));

        assertEquals(Path.of("releases", b), Files.readSymbolicLink(base.resolve("current")));
        assertEquals(Path.of("releases", sha('a').hex()), Files.readSymbolicLink(base.resolve("previous")));
        assertFalse(Files.exists(home.resolve("readlink.ran")), "current led to release a: no readlink");
        assertEquals(List.of("-f .trueup/links/previous .trueup/links/current ."),
                Files.readAllLines(home.resolve("mv.ran")), "previous, then current, by one mv");
        assertFalse(Files.exists(other.resolve(sha('a').hex())), "nothing made in the release the leftover led to");
        assertEquals(List.of(), List.of(base.resolve(".trueup/links").toFile().list()), "no new link left behind");

        // current now dangling (its release removed by hand): read as text, and kept as previous.
        Files.delete(base.resolve("current"));
        Files.createSymbolicLink(base.resolve("current"), Path.of("releases", sha('d').hex()));
        CommandResult switched = run(List.of(HostCommands.switchTo(Specs.release('b'), Instant.EPOCH)));
        assertEquals(0, switched.exitCode(), switched.stderr());
        assertEquals(Path.of("releases", b), Files.readSymbolicLink(base.resolve("current")));
        assertEquals(Path.of("releases", sha('d').hex()), Files.readSymbolicLink(base.resolve("previous")));

        // A mv that will not rename them (one that follows the old link into its directory): python3 does.
        Path refusing = Files.createDirectories(home.resolve("bin-refusing"));
        Files.writeString(refusing.resolve("mv"), "#!/bin/sh\necho 'mv: cannot overwrite' >&2\nexit 1\n");
        assertTrue(refusing.resolve("mv").toFile().setExecutable(true));
        switchable('a');
        Process back = startIn("dash", List.of(HostCommands.switchTo(Specs.release('a'), Instant.EPOCH)), refusing);
        assertEquals("start switch\ndone switch\n", rest(back, ""));
        assertEquals(Path.of("releases", sha('a').hex()), Files.readSymbolicLink(base.resolve("current")));
        assertEquals(Path.of("releases", b), Files.readSymbolicLink(base.resolve("previous")));
    }

    @Test
    void aNewLinkLeftByASwitchCutOffBeforeItsMvIsSaidAsALeftoverAndCleanedUp() throws IOException {
        Files.createDirectories(base.resolve(".trueup/links"));
        Files.createSymbolicLink(base.resolve(".trueup/links/current"), Path.of("releases", sha('b').hex()));

        CommandResult inspection = run(HostCommands.inspect(spec, spec.hosts().get(0)));
        assertEquals(List.of(".trueup/links/current"),
                io.trueup.observe.ObservationParser.parse(inspection.stdout()).leftovers(), inspection.stdout());

        CommandResult cleaned = run(List.of(HostCommands.cleanup()));
        assertEquals(0, cleaned.exitCode(), cleaned.stderr());
        assertEquals(List.of(), List.of(base.resolve(".trueup/links").toFile().list()));
        assertEquals(Path.of("releases", sha('a').hex()), Files.readSymbolicLink(base.resolve("current")), "untouched");
    }

    @Test
    void pruneKeepsWhatCurrentPreviousAndTheReleasesLeftLeadToReadWithNoProcess()
            throws IOException, InterruptedException {
        Path releases = base.resolve("releases");
        for (char c : new char[] {'b', 'c'}) {
            Files.createDirectories(releases.resolve(sha(c).hex()).resolve(".git"));
        }
        for (char e : new char[] {'1', '2'}) {
            Files.createDirectories(base.resolve("envs").resolve(env(e).hex()));
        }
        // previous and a's .venv made absolute by hand: they lead to what they lead to all the same.
        Files.createSymbolicLink(base.resolve("previous"), releases.resolve(sha('b').hex()));
        Files.createSymbolicLink(releases.resolve(sha('a').hex()).resolve(".venv"),
                base.resolve("envs").resolve(env('1').hex()));
        Path bin = recording("readlink");

        Process process = startIn("dash", List.of(HostCommands.prune(
                List.of(Specs.release('a'), Specs.release('b'), Specs.release('c')), List.of(env('1'), env('2')))), bin);
        assertEquals("start prune\ndone prune\n", rest(process, ""));

        assertTrue(Files.isDirectory(releases.resolve(sha('a').hex())), "current's");
        assertTrue(Files.isDirectory(releases.resolve(sha('b').hex())), "previous's");
        assertFalse(Files.exists(releases.resolve(sha('c').hex())));
        assertTrue(Files.isDirectory(base.resolve("envs").resolve(env('1').hex())), "a's env");
        assertFalse(Files.exists(base.resolve("envs").resolve(env('2').hex())));
        assertFalse(Files.exists(home.resolve("readlink.ran")), "no readlink");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "bash"})
    void aPersonsAliasesInReleasesAndEnvsAreNotTakenForTheReleaseOrEnvTheyLeadTo(String shell)
            throws IOException, InterruptedException {
        String a = sha('a').hex();
        Files.createDirectories(base.resolve("envs").resolve(env('9').hex()));
        Files.createSymbolicLink(base.resolve("releases").resolve(a).resolve(".venv"),
                Path.of("../../envs", env('9').hex()));
        // Sorted before the release and the env they alias, in any shell's order.
        Files.createSymbolicLink(base.resolve("releases/0active"), Path.of(a));
        Files.createSymbolicLink(base.resolve("envs/0default"), Path.of(env('9').hex()));

        io.trueup.observe.Observation seen = inspectWith(shell, recording("ls"));

        assertEquals(Optional.of(ReleaseId.of(sha('a'))), seen.current());
        assertEquals(Optional.of(env('9')), seen.releases().get(ReleaseId.of(sha('a'))).env());

        String b = sha('b').hex();
        switchable('b');
        CommandResult switched = run(List.of(HostCommands.switchTo(Specs.release('b'), Instant.EPOCH)));
        assertEquals(0, switched.exitCode(), switched.stderr());
        assertEquals(Path.of("releases", a), Files.readSymbolicLink(base.resolve("previous")), "the release, not its alias");
    }

    @Test
    void aDirectoryWherePreviousShouldBeIsRefusedBeforeCurrentIsSwitched() throws IOException {
        String b = sha('b').hex();
        switchable('b');
        Files.createDirectories(base.resolve("previous"));

        CommandResult switched = run(List.of(HostCommands.switchTo(Specs.release('b'), Instant.EPOCH)));

        assertEquals("start switch\nfailed switch 1\n", switched.stdout());
        assertTrue(switched.stderr().contains("previous is a directory, not a link: not replaced"), switched.stderr());
        assertEquals(Path.of("releases", sha('a').hex()), Files.readSymbolicLink(base.resolve("current")),
                "current left as it was");
    }

    @Test
    void aNewLinkIsNotSaidAsALeftoverWhileAnotherCommandHoldsTheLock() throws IOException {
        Files.createDirectories(base.resolve(".trueup/links"));
        Files.createSymbolicLink(base.resolve(".trueup/links/current"), Path.of("releases", sha('b').hex()));
        lockHeldBy("other/x", ProcessHandle.current().pid());

        CommandResult inspection = run(HostCommands.inspect(spec, spec.hosts().get(0)));

        assertEquals(List.of(), io.trueup.observe.ObservationParser.parse(inspection.stdout()).leftovers(),
                "it may be a switch between its ln and its mv");
    }

    /** Makes release {@code c} (its marks' directory) with a complete env of its own: one switch takes. */
    private Path switchable(char c) throws IOException {
        Path release = base.resolve("releases").resolve(sha(c).hex());
        Files.createDirectories(release.resolve(".git"));
        Files.createDirectories(release.resolve(".venv"));
        Files.createFile(release.resolve(".venv/.trueup-complete"));
        return release;
    }

    /** What an inspection of the base directory says, run with {@code shell} and {@code bin} first on PATH. */
    private io.trueup.observe.Observation inspectWith(String shell, Path bin) throws IOException, InterruptedException {
        ProcessBuilder builder = in(shell, HostCommands.inspect(spec, spec.hosts().get(0)))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process process = builder.start();
        process.getOutputStream().close();
        return io.trueup.observe.ObservationParser.parse(rest(process, ""));
    }

    @Test
    void aLastCommandWhoseStepFailedSaysNothingOfTheHost() {
        CommandResult result = run(HostCommands.reporting(spec, List.of(restart("exit 3"),
                HostCommands.record("{\"n\":1}"))));

        assertEquals(3, result.exitCode());
        assertEquals("start restart\nfailed restart 3\n", result.stdout());
        assertEquals(Optional.empty(), StepReport.parse(result.stdout()).seen());
    }

    @Test
    void anArgumentTwoStepsShareTravelsOnce() {
        ReleaseId release = ReleaseId.of(sha('a'));
        RemoteCommand command = HostCommands.command(spec, List.of(HostCommands.switchTo(release, Instant.EPOCH),
                HostCommands.switchBack(release, Optional.empty(), Instant.EPOCH)));

        assertEquals(1, command.args().stream().filter(release.name()::equals).count(), command.args()::toString);
        assertTrue(command.script().contains("step switch stop switch \"${3}\" \"${4}\"\n"
                + "step switch stop switch \"${3}\" \"${4}\" \"${5}\"\n"), command.script());
    }

    @Test
    void aHistoryLineRefersToTheShasAndHashesTheCommandCarriesAlready() throws IOException {
        switchable('b');
        ReleaseId release = ReleaseId.of(sha('b'));
        String line = "{\"sha\":\"" + sha('b').hex() + "\",\"release\":\"" + release.name()
                + "\",\"error\":\"100% \\\"full\\\" \\\\ %s %%\",\"at\":\"" + sha('b').hex() + "x\"}";
        String dashed = "-n -e %d \\c " + sha('b').hex();
        RemoteCommand command = HostCommands.command(spec, List.of(HostCommands.switchTo(release, Instant.EPOCH),
                HostCommands.record(line), HostCommands.record(dashed)));

        assertEquals(1, command.args().stream().filter(a -> a.contains(sha('b').hex())).count(),
                "the SHA travels once: " + command.args());
        CommandResult result = run(command);

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(List.of(line, dashed), history(), "a line that begins with - is no option of printf's");
    }

    @Test
    void aCommandIsNamedByItsSteps() {
        RemoteCommand command = HostCommands.command(spec, List.of(HostCommands.release(spec, spec.hosts().get(0)),
                HostCommands.switchTo(ReleaseId.of(sha('a')), Instant.EPOCH), restart("true")));

        assertEquals("release+switch+restart", command.name());
        assertEquals(List.of("release", "switch", "restart"),
                HostCommands.stepsOf(command).stream().map(HostCommands.Step::name).toList());
    }

    @Test
    void aHookThatFailsEndsItsCommandWithItsExitCodeAndRunsNoFurtherStep() throws IOException {
        Files.createDirectories(base.resolve("releases").resolve(sha('a').hex()).resolve(".venv"));
        HostCommands.Step hook = HostCommands.hook(HostStep.AFTER_SWITCH, "echo 'pool is full' >&2; exit 4", spec,
                spec.hosts().get(0), java.util.Optional.empty(), java.util.Optional.empty());

        long start = System.nanoTime();
        CommandResult result = run(List.of(hook, HostCommands.record("{\"n\":1}")));

        assertEquals(4, result.exitCode(), result.stderr());
        assertEquals("start afterSwitch\nfailed afterSwitch 4\n", result.stdout());
        assertTrue(result.stderr().contains("pool is full"), result.stderr());
        assertTrue(System.nanoTime() - start < java.util.concurrent.TimeUnit.SECONDS.toNanos(10), "ended at once");
        assertEquals(List.of(), history());
    }

    @Test
    void aHookRunsToItsEndWhenTrueupsConnectionGoesWhileItPrints() throws Exception {
        Files.createDirectories(base.resolve("releases").resolve(sha('a').hex()).resolve(".venv"));
        HostCommands.Step hook = HostCommands.hook(HostStep.MIGRATE, "i=0; while [ $i -lt 10 ]; do echo step $i; i=$((i+1));"
                + " sleep 0.1; done; echo done > \"$TRUEUP_BASE/migrated\"", spec, spec.hosts().get(0),
                java.util.Optional.of(ReleaseId.of(sha('a'))), java.util.Optional.empty());
        RemoteCommand command = HostCommands.command(spec, List.of(hook, HostCommands.record("{\"n\":1}")))
                .withEnv(LOCK);
        Process process = new ProcessBuilder("/bin/sh", "-c", command.render()).directory(home.toFile()).start();
        process.getOutputStream().close();
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        assertEquals("start migrate", out.readLine());

        process.getInputStream().close();
        process.getErrorStream().close();

        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the command ends");
        assertEquals("done\n", Files.readString(base.resolve("migrated")), "the migration ran to its end");
        assertFalse(Files.exists(base.resolve(".trueup/lock")), "and the lock is freed");
        assertEquals(List.of(), history(), "no step after it");
        assertTrue(Files.readString(base.resolve(".trueup/hook.log")).contains("step 9"));
    }

    /** The app's restart step, running {@code shellText}. */
    private HostCommands.Step restart(String shellText) {
        return HostCommands.restart(shellText, spec, spec.hosts().get(0), java.util.Optional.empty());
    }

    /** The host's lock, as {@code owner}'s command with process {@code pid} holds it. */
    private void lockHeldBy(String owner, long pid) throws IOException {
        Files.createDirectories(base.resolve(".trueup"));
        Files.writeString(base.resolve(".trueup/lock"), owner + " since 2026-11-22T02:00:00Z pid " + pid + "\n");
    }

    private List<String> history() throws IOException {
        Path log = base.resolve(".trueup/history.log");
        return Files.isRegularFile(log) ? Files.readAllLines(log) : List.of();
    }

    /**
     * Runs the command's script with {@code shell} (as {@code sh} would run it) in the home
     * directory, gives it {@code stdin}, then end of file if {@code close}, and waits at most 20 s
     * for it to end with its streams closed.
     */
    private CommandResult runIn(String shell, List<HostCommands.Step> steps, String stdin, boolean close)
            throws Exception {
        return runIn(shell, steps, stdin, close, LOCK);
    }

    private CommandResult runIn(String shell, List<HostCommands.Step> steps, String stdin, boolean close,
            Map<String, String> lock) throws Exception {
        Path out = home.resolve("stdout");
        Path err = home.resolve("stderr");
        Process process = in(shell, HostCommands.command(spec, steps).withEnv(lock)).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        try {
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
            if (close) {
                process.getOutputStream().close();
            }
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "still running after 20 s");
            return new CommandResult(process.exitValue(), Files.readString(out), Files.readString(err), Duration.ZERO);
        } finally {
            process.destroyForcibly();
            process.getOutputStream().close();
        }
    }

    /** Starts the command's script with {@code shell} in the home directory, {@code bin} first on its PATH. */
    private Process startIn(String shell, List<HostCommands.Step> steps, Path bin) throws IOException {
        ProcessBuilder builder = in(shell, HostCommands.command(spec, steps).withEnv(LOCK))
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    /** {@code command}'s script run with {@code shell} (as {@code sh -c} would run it) in the home directory. */
    private ProcessBuilder in(String shell, RemoteCommand command) {
        List<String> line = new java.util.ArrayList<>(
                List.of(shell, "-c", command.text(), "trueup-" + command.name()));
        line.addAll(command.args());
        ProcessBuilder builder = new ProcessBuilder(line).directory(home.toFile());
        builder.environment().putAll(command.env());
        return builder;
    }

    /**
     * A directory holding {@code tool}, which says it runs (the file {@code entered} in the home
     * directory), waits for the test's word (the file {@code go}) and then runs the real one.
     */
    private Path blocking(String tool) throws IOException {
        Path bin = Files.createDirectories(home.resolve("bin-" + tool));
        Files.deleteIfExists(home.resolve("entered"));
        Files.deleteIfExists(home.resolve("go"));
        Files.writeString(bin.resolve(tool), "#!/bin/sh\n: > '" + home.resolve("entered") + "'\nn=0\n"
                + "while [ ! -f '" + home.resolve("go") + "' ] && [ $n -lt 200 ]; do sleep 0.1; n=$((n + 1)); done\n"
                + "PATH=${PATH#*:} exec " + tool + " \"$@\"\n");
        assertTrue(bin.resolve(tool).toFile().setExecutable(true));
        return bin;
    }

    /**
     * A directory holding {@code tools}, each of which writes its arguments to {@code <tool>.ran} in
     * the home directory, then runs the real one.
     */
    private Path recording(String... tools) throws IOException {
        Path bin = Files.createDirectories(home.resolve("bin-" + String.join("-", tools)));
        for (String tool : tools) {
            Files.writeString(bin.resolve(tool), "#!/bin/sh\necho \"$*\" >> '" + home.resolve(tool + ".ran") + "'\n"
                    + "PATH=${PATH#*:} exec " + tool + " \"$@\"\n");
            assertTrue(bin.resolve(tool).toFile().setExecutable(true));
        }
        return bin;
    }

    /** What {@code process} said by the time its blocking tool ran; the tool is then let go. */
    private String whileBlocked(Process process) throws IOException, InterruptedException {
        return whileBlocked(process, () -> { });
    }

    /** {@link #whileBlocked(Process)}, doing {@code meanwhile} before the tool is let go. */
    private String whileBlocked(Process process, Meanwhile meanwhile) throws IOException, InterruptedException {
        Path entered = home.resolve("entered");
        for (int i = 0; i < 200 && !Files.exists(entered); i++) {
            Thread.sleep(100);
        }
        assertTrue(Files.exists(entered), "the blocking tool ran within 20 s");
        String said = new String(process.getInputStream().readNBytes(process.getInputStream().available()),
                StandardCharsets.UTF_8);
        meanwhile.run();
        Files.createFile(home.resolve("go"));
        return said;
    }

    private interface Meanwhile {
        void run() throws IOException;
    }

    /** All {@code process} said, {@code said} first, once it ended well. */
    private static String rest(Process process, String said) throws IOException, InterruptedException {
        String all = said + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), all);
        return all;
    }

    /** Runs the command's line as sshd would: with the login shell's {@code -c}, in the home directory. */
    private CommandResult run(List<HostCommands.Step> steps) {
        return run(HostCommands.command(spec, steps));
    }

    private CommandResult run(RemoteCommand unlocked) {
        RemoteCommand command = unlocked.withEnv(LOCK);
        try {
            Process process = new ProcessBuilder("/bin/sh", "-c", command.render()).directory(home.toFile()).start();
            process.getOutputStream().write(command.input().bytes());
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            return new CommandResult(process.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8), Duration.ZERO);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
