package io.trueup.rollout;

import static io.trueup.support.Specs.env;
import static io.trueup.support.Specs.hosts;
import static io.trueup.support.Specs.release;
import static io.trueup.support.Specs.sha;
import static io.trueup.support.Specs.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.AppSpec;
import io.trueup.desired.BatchSize;
import io.trueup.desired.HostAddress;
import io.trueup.host.HostStep;
import io.trueup.desired.Rollout;
import io.trueup.git.PushResult;
import io.trueup.host.HostCommands;
import io.trueup.observe.Inspection;
import io.trueup.plan.Plan;
import io.trueup.plan.Planner;
import io.trueup.support.FakeRemoteShell;
import io.trueup.support.Observations;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutEngineTest {

    private final FakeRemoteShell shell = new FakeRemoteShell();
    private final List<String> pushes = new ArrayList<>();
    private final List<Duration> pauses = new ArrayList<>();
    private final EngineClock engineClock = new EngineClock();

    /** The engine's time: it moves only when the engine waits, by what it waits. */
    private static final class EngineClock extends Clock {
        private java.time.Instant now = java.time.Instant.parse("2026-12-06T12:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public synchronized java.time.Instant instant() {
            return now;
        }

        synchronized void advance(Duration by) {
            now = now.plus(by);
        }
    }

    private void waitFor(Duration pause) {
        pauses.add(pause);
        engineClock.advance(pause);
    }

    /** Asked before each command: lets every one through unless a test says otherwise. */
    private java.util.function.Consumer<io.trueup.desired.AppEnv> gate = id -> {
    };

    private RolloutResult rollOut(AppSpec spec) {
        return rollOut(spec, RolloutListener.NONE);
    }

    private RolloutResult rollOut(AppSpec spec, RolloutListener listener) {
        var seen = Observations.host().release(sha('a'), env('1'), 1).current(sha('a')).commitMissing().build();
        List<Inspection> inspections = spec.hosts().stream()
                .<Inspection>map(h -> new Inspection.Seen(h, seen)).toList();
        Plan plan = Planner.plan(spec, inspections);
        HostDeployer deployer = new HostDeployer(shell, (app, sha, target, path) -> {
            synchronized (pushes) {
                pushes.add(target.address());
            }
            return new PushResult(false, 3);
        }, (app, sha) -> {
            throw new IllegalStateException("no archives in this test");
        }, new HealthChecker(shell, HttpClient.newHttpClient(), Clock.systemUTC()), Duration.ofSeconds(5),
                new HostLock("test", "run1", Duration.ofMinutes(30)), Clock.systemUTC(), gate);
        return new RolloutEngine(deployer, 4, this::waitFor, engineClock).execute(spec, "rev1", plan,
                listener, host -> new Inspection.Seen(host, seen));
    }

    private List<String> stepsOn(String host) {
        return shell.calls().stream().filter(c -> c.startsWith(host + " ")).map(c -> c.substring(host.length() + 1))
                .toList();
    }

    @Test
    void switchesCurrentOnlyAfterTheReleaseIsMade() {
        RolloutResult result = rollOut(spec(sha('b'), env('1'), "web1"));

        assertFalse(result.stopped());
        assertEquals(List.of("release", "confirm", "switch", "restart", "record"), stepsOn("web1"));
        assertEquals(List.of("web1"), pushes);
    }

    @Test
    void aDeployIsOneCommandThatSwitchesOnTrueupsWordOnceTheReleaseIsMade() {
        RolloutResult result = rollOut(spec(sha('b'), env('1'), "web1"));

        assertEquals(List.of("web1 release+confirm+switch+restart+record"), shell.commands(),
                "the host switches only once trueup has heard the release made");
        assertEquals(List.of("push", "release", "switch", "restart"),
                ((HostOutcome.Deployed) result.outcomes().get(0)).steps(),
                "waiting for the word is no step of the deploy");
    }

    @Test
    void aHostThatNeverHearsTrueupsWordNeverSwitchesAndKeepsTheReleaseForTheNextTry() {
        shell.timeOut("web1", "confirm");

        RolloutResult result = rollOut(spec(sha('b'), env('1'), "web1"));

        HostOutcome.Failed failed = result.failures().get(0);
        assertEquals("confirm", failed.step());
        assertTrue(failed.transientFailure(), "a connection gone: tried again later");
        assertTrue(failed.rollback().isEmpty(), "nothing to roll back: current never moved");
        assertEquals(List.of("release", "confirm", "unlock"), stepsOn("web1"),
                "no switch, and the release is kept; the lock it kept is freed");
    }

    @Test
    void noCommandIsSentToAHostOnceThisControllerMayNoLongerAct() {
        // As with replicas when this one's lease is gone: the store refuses before each command.
        gate = id -> {
            throw new IllegalStateException("replica r1 does not hold the lease of " + id);
        };

        RolloutResult result = rollOut(spec(sha('b'), env('1'), "web1"));

        HostOutcome.Failed failed = result.failures().get(0);
        assertTrue(failed.transientFailure(), failed.error());
        assertTrue(failed.error().contains("not sent: replica r1 does not hold the lease of "), failed.error());
        assertEquals(List.of(), stepsOn("web1"), "nothing ran on the host, not even an unlock");
    }

    @Test
    void aHostWhoseStepsCannotBeRecordedStopsBeforeItsSwitch() {
        // As when a replica lost its lease mid-command: the rollout's save of each step fails.
        RolloutListener refusing = new RolloutListener() {
            @Override
            public void step(io.trueup.desired.AppEnv id, HostAddress host, String step) {
            }

            @Override
            public void done(io.trueup.desired.AppEnv id, HostAddress host, HostStep step) {
                throw new IllegalStateException("replica r1 does not hold the lease of " + id);
            }

            @Override
            public void finished(io.trueup.desired.AppEnv id, HostOutcome outcome) {
            }
        };

        RolloutResult result = rollOut(spec(sha('b'), env('1'), "web1"), refusing);

        HostOutcome.Failed failed = result.failures().get(0);
        assertEquals("confirm", failed.step());
        assertTrue(failed.transientFailure(), "not the release's failure: " + failed.error());
        assertTrue(failed.error().contains("stopped before the switch: a step before it could not be recorded"
                + " (replica r1 does not hold the lease of "), failed.error());
        assertTrue(failed.rollback().isEmpty(), "nothing to roll back: current never moved");
        assertEquals(List.of("release", "confirm", "unlock"), stepsOn("web1"), "no switch, no restart");
    }

    @Test
    void aHostThatStoppedForWantOfTrueupsWordIsTriedAgainNotFailedForItsRelease() {
        shell.fail("web1", "confirm", HostCommands.NO_WORD, "no word from trueup to switch within 60s");

        RolloutResult result = rollOut(spec(sha('b'), env('1'), "web1"));

        HostOutcome.Failed failed = result.failures().get(0);
        assertEquals("confirm", failed.step());
        assertTrue(failed.transientFailure(), "the network's failure, not the release's: " + failed.error());
        assertTrue(failed.error().contains("stopped before the switch"), failed.error());
        assertTrue(failed.rollback().isEmpty());
        assertEquals(List.of("release", "confirm", "unlock"), stepsOn("web1"), "no switch, no prune, no history line");
    }

    @Test
    void aLastCommandCutOffAfterTheRestartLeavesTheHostDeployedWithAWarning() {
        shell.timeOut("web1", "record");

        RolloutResult result = rollOut(spec(sha('b'), env('1'), "web1"));

        assertEquals(List.of(), result.failures(), "only the history line was lost: nothing to roll back");
        HostOutcome.Deployed deployed = (HostOutcome.Deployed) result.outcomes().get(0);
        assertTrue(deployed.warnings().get(0).contains("timed out"), deployed.warnings().toString());
        assertEquals(List.of("web1 release+confirm+switch+restart+record"), shell.commands());
    }

    @Test
    void aFailedRestartIsRolledBackInOneCommandAndRecordedInAnother() {
        shell.fail("web1", "restart", 3, "unit hello failed");

        rollOut(spec(sha('b'), env('1'), "web1"));

        assertEquals(List.of("web1 release+confirm+switch+restart+record", "web1 switch+restart", "web1 record"),
                shell.commands());
    }

    @Test
    void aRestartThatOutlivesTheTimeoutIsBlamedAndTheHostSwitchedBack() {
        shell.timeOut("web1", "restart");

        RolloutResult result = rollOut(spec(sha('b'), env('1'), "web1"));

        HostOutcome.Failed failed = result.failures().get(0);
        assertEquals("restart", failed.step(), "blamed on the step that was running, from its progress lines");
        assertTrue(failed.transientFailure(), "a cut connection times out the same way: tried again later");
        assertEquals(release('a'), failed.rollback().orElseThrow().to(), "it had switched: it goes back");
    }

    @Test
    void aPushTheHostRefusesForAFullDiskHaltsAtOnceWhereADroppedConnectionIsTriedAgain() {
        AppSpec spec = spec(sha('b'), env('1'), "web1");
        var seen = Observations.host().release(sha('a'), env('1'), 1).current(sha('a')).commitMissing().build();
        Plan plan = Planner.plan(spec, List.of(new Inspection.Seen(spec.hosts().get(0), seen)));
        java.util.function.Function<String, HostOutcome.Failed> pushFailing = why -> {
            HostDeployer deployer = new HostDeployer(shell, (app, sha, target, path) -> {
                throw new io.trueup.git.GitException("cannot push commit to hello/repo.git: " + why);
            }, new HealthChecker(shell, HttpClient.newHttpClient(), Clock.systemUTC()), Duration.ofSeconds(5),
                    new HostLock("test", "run1", Duration.ofMinutes(30)), Clock.systemUTC());
            return new RolloutEngine(deployer, 4, this::waitFor, engineClock).execute(spec, "rev1", plan,
                    RolloutListener.NONE, host -> new Inspection.Seen(host, seen)).failures().get(0);
        };

        HostOutcome.Failed full = pushFailing.apply("remote: error: unpack-objects: No space left on device");
        HostOutcome.Failed dropped = pushFailing.apply("remote hung up unexpectedly");

        assertEquals("push", full.step());
        assertFalse(full.transientFailure(), "a full disk says so again at the next try: " + full.error());
        assertTrue(dropped.transientFailure(), "a dropped connection may not: " + dropped.error());
    }

    @Test
    void aFailedEnvBuildNeverSwitches() {
        shell.fail("web1", "env", 1, "ERROR: No matching distribution found for extra==2.0");

        RolloutResult result = rollOut(spec(sha('b'), env('2'), "web1"));

        assertEquals(List.of("release", "env", "prune", "record"), stepsOn("web1"),
                "the failed release is removed at once");
        HostOutcome.Failed failed = result.failures().get(0);
        assertEquals("env", failed.step());
        assertTrue(failed.output().contains("No matching distribution"));
        assertTrue(failed.rollback().isEmpty(), "nothing to roll back: current never moved");
    }

    @Test
    void aFailedRestartSwitchesTheHostBackToItsPreviousRelease() {
        shell.fail("web1", "restart", 3, "unit hello failed");

        RolloutResult result = rollOut(spec(sha('b'), env('1'), "web1"));

        assertEquals(List.of("release", "confirm", "switch", "restart", "switch", "restart", "record"),
                stepsOn("web1"));
        HostOutcome.Rollback rollback = result.failures().get(0).rollback().orElseThrow();
        assertEquals(release('a'), rollback.to());
        assertFalse(rollback.succeeded(), "the restart after switching back failed too");
    }

    @Test
    void haltsTheRolloutAfterTheBatchWithAFailedHost() {
        shell.fail("h2", "release", 128, "fatal: reference is not a tree");
        AppSpec spec = spec(sha('b'), env('1'), hosts("h1", "h2", "h3", "h4"), BatchSize.parse("2"), 5);

        RolloutResult result = rollOut(spec);

        assertTrue(result.stopped());
        assertEquals(1, result.batchesRun());
        assertEquals(List.of(HostAddress.parse("h2")), result.failures().stream().map(HostOutcome::host).toList());
        assertEquals(List.of(), stepsOn("h3"));
        assertEquals(List.of(), stepsOn("h4"));
    }

    @Test
    void aHealthCommandThatKeepsFailingFailsTheHostWithItsOutput() {
        shell.fail("*", "health", 1, "connection refused");
        AppSpec base = spec(sha('b'), env('1'), "web1");
        AppSpec spec = new AppSpec(base.id(), base.source(), base.path(), base.user(), base.requirements(),
                base.wheelhouse(), base.python(), base.restart(), base.stop(), new io.trueup.desired.Health(
                        java.util.Optional.empty(), java.util.Optional.of("curl -fsS localhost:8000/healthz"),
                        Duration.ofMillis(300), Duration.ofMillis(100), 10, Duration.ZERO),
                base.rollout(), base.keep(), base.selfHeal(), base.sha(), base.requirementsHash(), base.hosts(),
                base.file(), base.recipe(), java.util.Map.of());

        RolloutResult result = rollOut(spec);

        HostOutcome.Failed failed = result.failures().get(0);
        assertEquals("health", failed.step());
        assertTrue(failed.output().contains("connection refused"));
        assertFalse(failed.rollback().orElseThrow().succeeded(), "the old release fails its check too here");
        long attempts = stepsOn("web1").stream().filter("health"::equals).count();
        assertTrue(attempts >= 4 && attempts <= 8,
                "polled until the timeout, for the release and again after switching back: " + attempts);
    }

    @Test
    void inBatchesOfOneTheNextHostsPushGoesWhileThisHostDeploys() {
        AppSpec spec = spec(sha('b'), env('1'), hosts("h1", "h2", "h3"),
                new Rollout(BatchSize.parse("1"), 0, 0, Duration.ZERO, Duration.ZERO, Rollout.OnFailure.HALT), 5);
        Map<String, Boolean> nextPushedBeforeDone = new java.util.concurrent.ConcurrentHashMap<>();
        RolloutListener watching = new RolloutListener() {
            @Override
            public void step(io.trueup.desired.AppEnv id, HostAddress host, String step) {
            }

            @Override
            public void finished(io.trueup.desired.AppEnv id, HostOutcome outcome) {
                String host = outcome.host().name();
                String next = host.equals("h1") ? "h2" : host.equals("h2") ? "h3" : null;
                if (next != null) {
                    // The push ahead runs on a thread of its own: give it a moment, bounded.
                    boolean pushed = false;
                    for (int i = 0; i < 500 && !pushed; i++) {
                        synchronized (pushes) {
                            pushed = pushes.contains(next);
                        }
                        RolloutEngine.sleep(Duration.ofMillis(10));
                    }
                    nextPushedBeforeDone.put(host, pushed);
                }
            }
        };

        RolloutResult result = rollOut(spec, watching);

        assertFalse(result.stopped());
        assertEquals(Map.of("h1", true, "h2", true), nextPushedBeforeDone, "each next host's push began in this one's turn");
        assertEquals(List.of("h1", "h2", "h3"), pushes.stream().sorted().toList(), "one push per host");
        for (String host : List.of("h1", "h2", "h3")) {
            assertEquals(List.of("release", "confirm", "switch", "restart", "record"), stepsOn(host));
        }
    }

    @Test
    void aPushAheadThatFailedIsMadeAgainInTheHostsTurn() {
        AppSpec spec = spec(sha('b'), env('1'), hosts("h1", "h2"),
                new Rollout(BatchSize.parse("1"), 0, 0, Duration.ZERO, Duration.ZERO, Rollout.OnFailure.HALT), 5);
        java.util.concurrent.atomic.AtomicInteger h2Pushes = new java.util.concurrent.atomic.AtomicInteger();
        var seen = Observations.host().release(sha('a'), env('1'), 1).current(sha('a')).commitMissing().build();
        Plan plan = Planner.plan(spec, spec.hosts().stream().<Inspection>map(h -> new Inspection.Seen(h, seen))
                .toList());
        HostDeployer deployer = new HostDeployer(shell, (app, sha, target, path) -> {
            if (target.address().equals("h2") && h2Pushes.incrementAndGet() == 1) {
                throw new io.trueup.git.GitException("remote hung up unexpectedly");
            }
            return new PushResult(false, 3);
        }, new HealthChecker(shell, HttpClient.newHttpClient(), Clock.systemUTC()), Duration.ofSeconds(5),
                new HostLock("test", "run1", Duration.ofMinutes(30)), Clock.systemUTC());

        RolloutResult result = new RolloutEngine(deployer, 4, this::waitFor, engineClock).execute(spec, "rev1", plan,
                RolloutListener.NONE, host -> new Inspection.Seen(host, seen));

        assertFalse(result.stopped(), result.toString());
        assertEquals(2, h2Pushes.get(), "the push that went ahead failed; the host's turn pushed again");
        assertEquals(List.of("release", "confirm", "switch", "restart", "record"), stepsOn("h2"));
    }

    @Test
    void toleratesUpToMaxFailuresBeforeHalting() {
        shell.fail("h1", "release", 1, "disk full");
        shell.fail("h3", "release", 1, "disk full");
        AppSpec spec = spec(sha('b'), env('1'), hosts("h1", "h2", "h3", "h4", "h5"),
                new Rollout(BatchSize.parse("1"), 1, 0, Duration.ZERO, Duration.ZERO, Rollout.OnFailure.HALT), 5);

        RolloutResult result = rollOut(spec);

        assertTrue(result.stopped());
        assertEquals(3, result.batchesRun(), "the first failure is tolerated, the second halts");
        assertEquals(List.of(), stepsOn("h4"));
    }

    @Test
    void runsACanaryBatchThenPausesBeforeTheRest() {
        AppSpec spec = spec(sha('b'), env('1'), hosts("h1", "h2", "h3", "h4", "h5"),
                new Rollout(BatchSize.parse("2"), 0, 1, Duration.ofMinutes(5), Duration.ofSeconds(10),
                        Rollout.OnFailure.HALT), 5);

        RolloutResult result = rollOut(spec);

        assertFalse(result.stopped());
        assertEquals(3, result.batches());
        assertEquals(List.of(Duration.ofMinutes(5), Duration.ofSeconds(10)), pauses);
    }

    @Test
    void rollbackAllReturnsTheHostsAlreadySwitchedWhenTheRolloutHalts() {
        shell.fail("h3", "restart", 1, "crash on start");
        AppSpec spec = spec(sha('b'), env('1'), hosts("h1", "h2", "h3", "h4"),
                new Rollout(BatchSize.parse("1"), 0, 0, Duration.ZERO, Duration.ZERO, Rollout.OnFailure.ROLLBACK_ALL), 5);

        RolloutResult result = rollOut(spec);

        assertTrue(result.stopped());
        assertEquals(List.of("release", "confirm", "switch", "restart", "record", "switch", "restart", "record"),
                stepsOn("h1"));
        assertEquals(List.of("release", "confirm", "switch", "restart", "record", "switch", "restart", "record"),
                stepsOn("h2"));
        assertEquals(List.of(), stepsOn("h4"));
        assertTrue(result.outcomes().get(0) instanceof HostOutcome.Reverted reverted
                && reverted.rollback().succeeded() && reverted.rollback().to().equals(release('a')));
    }

    /** {@code spec} with {@code hooks.migrate} (and the other hooks when {@code all}). */
    private static AppSpec withHooks(AppSpec spec, boolean all) {
        return spec.withRecipe(new io.trueup.desired.ReleaseRecipe(List.of(), List.of(), java.util.Map.of(),
                java.util.Map.of(), new io.trueup.desired.Hooks(java.util.Optional.of("make build"),
                        java.util.Optional.of("manage.py migrate"),
                        all ? java.util.Optional.of("lb drain") : java.util.Optional.empty(),
                        all ? java.util.Optional.of("lb enable") : java.util.Optional.empty(), Duration.ofMinutes(1))));
    }

    @Test
    void theFirstHostMigratesBeforeTheOthersOfItsBatchStart() {
        AppSpec spec = withHooks(spec(sha('b'), env('1'), hosts("h1", "h2", "h3"), BatchSize.parse("3"), 5), true);

        RolloutResult result = rollOut(spec);

        assertFalse(result.stopped());
        List<String> calls = shell.calls();
        int migrated = calls.indexOf("h1 migrate");
        assertTrue(migrated >= 0, calls::toString);
        assertTrue(calls.stream().filter(c -> !c.startsWith("h1 ")).allMatch(c -> calls.indexOf(c) > migrated),
                () -> "the others started before h1 migrated: " + calls);
        assertEquals(List.of("release", "build", "migrate", "beforeSwitch", "confirm", "switch", "restart",
                "afterSwitch", "record"), stepsOn("h1"));
        assertEquals(List.of("release", "build", "beforeSwitch", "confirm", "switch", "restart", "afterSwitch",
                "record"), stepsOn("h2"));
    }

    @Test
    void aFailedMigrationStopsTheRolloutBeforeAnyHostSwitches() {
        shell.fail("h1", "migrate", 1, "django.db.utils.OperationalError: no such table");
        AppSpec spec = withHooks(spec(sha('b'), env('1'), hosts("h1", "h2", "h3"),
                new Rollout(BatchSize.parse("3"), 2, 0, Duration.ZERO, Duration.ZERO, Rollout.OnFailure.HALT), 5),
                false);

        RolloutResult result = rollOut(spec);

        assertTrue(result.stopped(), "however many failures the rollout allows");
        assertEquals(List.of("release", "build", "migrate", "prune", "record"), stepsOn("h1"),
                "not switched; the failed release removed");
        assertEquals(List.of(), stepsOn("h2"));
        assertEquals(List.of(), stepsOn("h3"));
        HostOutcome.Failed failed = result.failures().get(0);
        assertEquals("migrate", failed.step());
        assertFalse(failed.transientFailure(), "the release's failure: the rollout halts");
        assertTrue(failed.output().contains("no such table"));
    }

    @Test
    void rollbackAllDrainsAHealthyHostBeforeSwitchingItBackAndEnablesItAfter() {
        shell.fail("h2", "restart", 1, "crash on start");
        AppSpec spec = withHooks(spec(sha('b'), env('1'), hosts("h1", "h2"),
                new Rollout(BatchSize.parse("1"), 0, 0, Duration.ZERO, Duration.ZERO, Rollout.OnFailure.ROLLBACK_ALL), 5),
                true);

        rollOut(spec);

        assertEquals(List.of("release", "build", "migrate", "beforeSwitch", "confirm", "switch", "restart",
                "afterSwitch", "record", "beforeSwitch", "confirm", "switch", "restart", "afterSwitch", "record"),
                stepsOn("h1"));
        assertEquals(List.of("release", "build", "beforeSwitch", "confirm", "switch", "restart", "switch", "restart",
                "record"), stepsOn("h2"), "its restart fails after the switch back too: it stays out");
    }

    @Test
    void aHostInspectedAgainDuringTheRolloutDoesNotMigrateAgain() {
        shell.fail("h2", "verify", 76, "current points at releases/x, not releases/y as inspected");
        AppSpec spec = withHooks(spec(sha('b'), env('1'), hosts("h1", "h2"), BatchSize.parse("2"), 5), false);
        var seen = Observations.host().release(sha('a'), env('1'), 1).current(sha('a')).commitMissing().build();
        Plan plan = Planner.plan(spec, spec.hosts().stream()
                .<Inspection>map(h -> new Inspection.Recalled(h, seen)).toList());
        HostDeployer deployer = new HostDeployer(shell, (app, sha, target, path) -> new PushResult(false, 3),
                new HealthChecker(shell, HttpClient.newHttpClient(), Clock.systemUTC()), Duration.ofSeconds(5),
                new HostLock("test", "run1", Duration.ofMinutes(30)), Clock.systemUTC());

        new RolloutEngine(deployer, 4, this::waitFor, engineClock).execute(spec, "rev1", plan,
                RolloutListener.NONE, host -> new Inspection.Seen(host, seen));

        assertEquals(1, shell.calls().stream().filter(c -> c.endsWith(" migrate")).count(), shell.calls()::toString);
        assertTrue(stepsOn("h2").contains("switch"), "h2 deployed by its new plan: " + stepsOn("h2"));
    }
}
