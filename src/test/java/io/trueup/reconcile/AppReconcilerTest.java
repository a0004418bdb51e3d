package io.trueup.reconcile;

import static io.trueup.support.Specs.env;
import static io.trueup.support.Specs.hosts;
import static io.trueup.support.Specs.release;
import static io.trueup.support.Specs.sha;
import static io.trueup.support.Specs.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.AppEnv;
import io.trueup.desired.AppSpec;
import io.trueup.desired.BatchSize;
import io.trueup.desired.Health;
import io.trueup.desired.HostAddress;
import io.trueup.desired.Rollout;
import io.trueup.git.CommitPusher;
import io.trueup.git.PushResult;
import io.trueup.observe.Inspector;
import io.trueup.rollout.HealthChecker;
import io.trueup.rollout.HostDeployer;
import io.trueup.rollout.HostLock;
import io.trueup.rollout.Phase;
import io.trueup.rollout.RolloutEngine;
import io.trueup.rollout.RolloutRecord;
import io.trueup.rollout.FileRolloutStore;
import io.trueup.rollout.RolloutStore;
import io.trueup.status.AppStatus;
import io.trueup.status.RolloutView;
import io.trueup.status.StatusBoard;
import io.trueup.status.SyncStatus;
import io.trueup.support.FakeRemoteShell;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AppReconciler} over a scripted shell: what each reconcile runs on the hosts, what it
 * publishes, what it keeps of the rollout and when it asks to be called again.
 */
class AppReconcilerTest {

    private static final AppEnv ID = new AppEnv("hello", "prod");
    private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");
    private static final Duration PAUSE = Duration.ofSeconds(30);
    private static final String DEPLOY = "release+confirm+switch+restart+record";

    @TempDir
    Path state;

    private final FakeRemoteShell shell = new FakeRemoteShell();
    private final List<String> pushes = new ArrayList<>();
    private final TestClock clock = new TestClock(T0);
    private final StatusBoard board = new StatusBoard(Optional.empty(), "main");
    private ControlStore control;
    private RolloutStore rollouts;
    private RolloutHistory history;
    private AppReconciler reconciler;
    /** What the reconciler told of. */
    private final List<Notice> told = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Time that moves only when a test moves it. */
    private static final class TestClock extends Clock {
        private Instant now;

        TestClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public synchronized Instant instant() {
            return now;
        }

        synchronized void advance(Duration by) {
            now = now.plus(by);
        }
    }

    @BeforeEach
    void startTrueup() {
        control = new FileControlStore(state.resolve("control.json"));
        rollouts = new FileRolloutStore(state.resolve("rollouts"));
        history = new FileRolloutHistory(state.resolve("history"));
        reconciler = reconciler();
    }

    /** A reconciler wired as trueup wires it, over the fake shell; it gives up on a host after 3 attempts. */
    private AppReconciler reconciler() {
        HealthChecker health = new HealthChecker(shell, HttpClient.newHttpClient(), clock);
        CommitPusher pusher = (app, sha, target, path) -> {
            synchronized (pushes) {
                pushes.add(target.address());
            }
            return new PushResult(false, 3);
        };
        HostDeployer deployer = new HostDeployer(shell, pusher, health, Duration.ofSeconds(5),
                new HostLock("test", "run1", Duration.ofMinutes(30)), clock);
        RolloutEngine engine = new RolloutEngine(deployer, 4, wait -> {
            throw new AssertionError("a reconcile returns at a wait; it never sleeps through one");
        }, clock);
        Backoff backoff = new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5), () -> 0.5); // no spread
        return new AppReconciler(new Inspector(shell, Duration.ofSeconds(5), 4), health, engine, board, control,
                rollouts, history, backoff, 3, clock, new ReconcileObserver() {
                    @Override
                    public void notice(Notice notice) {
                        told.add(notice);
                    }
                });
    }

    /** The app on h1, h2 and h3 at {@code c}'s SHA, in batches of one host, 30s apart. */
    private static AppSpec threeHosts(char c) {
        return spec(sha(c), env('1'), hosts("h1", "h2", "h3"),
                new Rollout(BatchSize.parse("1"), 0, 0, Duration.ZERO, PAUSE, Rollout.OnFailure.HALT), 5);
    }

    /**
     * What {@code inspect.sh} prints for a host whose {@code current} is the release of SHA
     * {@code running}, unchanged since it was made, and whose {@code previous} is the release of
     * {@code before}, if given; both made, linked to env 1, and the desired commit not asked about.
     */
    private static String runs(char running, char... before) {
        String now = sha(running).hex();
        List<String> lines = new ArrayList<>(List.of("base present", "repo yes", "current releases/" + now,
                "previous " + (before.length == 0 ? "" : "releases/" + sha(before[0]).hex()),
                "release " + now + " 1700000100 ../../envs/" + env('1').hex()));
        for (char b : before) {
            lines.add("release " + sha(b).hex() + " 1700000000 ../../envs/" + env('1').hex());
        }
        lines.addAll(List.of("env " + env('1').hex(), "head " + now + " " + now, ""));
        return String.join("\n", lines);
    }

    private void allRun(char running) {
        for (String host : List.of("h1", "h2", "h3")) {
            shell.report(host, runs(running));
        }
    }

    private Optional<Instant> reconcile(AppSpec spec) {
        return reconciler.reconcile(spec, "rev-" + spec.sha().abbrev(), List.of());
    }

    private AppStatus status() {
        return board.app(ID).orElseThrow();
    }

    /** The commands run that change a host: all but inspections and health checks. */
    private List<String> changes() {
        return shell.commands().stream().filter(c -> !c.endsWith(" inspect") && !c.endsWith(" health")).toList();
    }

    private static HostAddress host(String name) {
        return HostAddress.parse(name);
    }

    @Test
    void aConvergedHostGetsNothingRunAndIsSynced() {
        shell.report("h1", runs('b', 'a'));

        Optional<Instant> next = reconcile(spec(sha('b'), env('1'), "h1"));

        assertEquals(Optional.empty(), next);
        assertEquals(List.of("h1 inspect"), shell.commands());
        assertEquals(SyncStatus.Synced, status().status());
        assertEquals(Optional.empty(), rollouts.get(ID), "no rollout");
        assertEquals(List.of(), history.recent(ID));
    }

    @Test
    void aNewShaGoesOutOneBatchPerReconcileWithThePauseBetweenAndNoThreadWaiting() {
        AppSpec spec = threeHosts('b');
        allRun('a');

        assertEquals(Optional.of(T0.plus(PAUSE)), reconcile(spec), "called again when the pause is over");

        assertEquals(List.of("h1 " + DEPLOY), changes());
        synchronized (pushes) {
            // The next batch's push goes ahead of its turn, on a thread of its own; none for later batches.
            assertEquals(List.of("h1"), pushes.stream().filter(h -> !h.equals("h2")).toList());
        }
        RolloutRecord record = rollouts.get(ID).orElseThrow();
        assertEquals(1, record.batch(), "the second batch is next");
        assertEquals(Optional.of(T0.plus(PAUSE)), record.nextAt());
        assertEquals(Phase.HEALTHY, record.host(host("h1")).phase());
        assertEquals(Phase.PENDING, record.host(host("h2")).phase());
        AppStatus status = status();
        assertEquals(SyncStatus.Progressing, status.status());
        RolloutView view = status.rollout().orElseThrow();
        assertEquals(List.of(2, 3), List.of(view.batch(), view.batches()));
        assertEquals(Optional.of(T0.plus(PAUSE)), view.nextAt());

        shell.report("h1", runs('b', 'a'));
        clock.advance(Duration.ofSeconds(10));
        assertEquals(Optional.of(T0.plus(PAUSE)), reconcile(spec), "the same wait, not a new one");
        assertEquals(List.of("h1 " + DEPLOY), changes(), "nothing runs before the wait is over");
        assertEquals(SyncStatus.Progressing, status().status());

        clock.advance(Duration.ofSeconds(20));
        assertEquals(Optional.of(T0.plus(PAUSE.multipliedBy(2))), reconcile(spec));
        assertEquals(List.of("h1 " + DEPLOY, "h2 " + DEPLOY), changes());
        assertEquals(2, rollouts.get(ID).orElseThrow().batch());
        assertEquals(3, status().rollout().orElseThrow().batch());

        shell.report("h2", runs('b', 'a'));
        clock.advance(PAUSE);
        assertEquals(Optional.empty(), reconcile(spec), "the last batch: nothing to wait for");
        assertEquals(List.of("h1 " + DEPLOY, "h2 " + DEPLOY, "h3 " + DEPLOY), changes());
        assertEquals(SyncStatus.Synced, status().status());
        assertEquals(Optional.empty(), status().rollout());
        assertEquals(Optional.empty(), rollouts.get(ID), "the record goes with the rollout");
        assertEquals("succeeded", history.recent(ID).get(0).result());
    }

    @Test
    void aPauseDuringTheWaitHoldsTheNextBatchUntilResumed() {
        AppSpec spec = threeHosts('b');
        allRun('a');
        reconcile(spec);
        shell.report("h1", runs('b', 'a'));

        control.pause(ID, true);
        clock.advance(PAUSE);
        Optional<Instant> next = reconcile(spec);

        assertEquals(Optional.empty(), next, "nothing to wake up for: an operator resumes");
        assertEquals(List.of("h1 " + DEPLOY), changes(), "the wait is over, but the pause holds");
        AppStatus status = status();
        assertEquals(SyncStatus.Progressing, status.status());
        assertTrue(status.paused());
        assertEquals(Optional.of("paused before batch 2 of 3: resume to go on"), status.error());
        assertEquals(1, rollouts.get(ID).orElseThrow().batch(), "the rollout is kept");

        control.pause(ID, false);
        assertEquals(Optional.of(clock.instant().plus(PAUSE)), reconcile(spec));
        assertEquals(List.of("h1 " + DEPLOY, "h2 " + DEPLOY), changes());
        assertEquals(List.of(3, 3), List.of(status().rollout().orElseThrow().batch(),
                status().rollout().orElseThrow().batches()));
    }

    @Test
    void anAbortDuringTheWaitSwitchesBackTheHostItSwitchedAndHalts() {
        AppSpec spec = threeHosts('b');
        allRun('a');
        reconcile(spec);
        shell.report("h1", runs('b', 'a'));

        assertTrue(rollouts.abort(ID));
        clock.advance(Duration.ofSeconds(10));
        Optional<Instant> next = reconcile(spec);

        assertEquals(Optional.empty(), next);
        assertEquals(List.of("h1 " + DEPLOY, "h1 switch+restart", "h1 record"), changes(),
                "h1 back on its release, nothing on h2 and h3");
        AppStatus status = status();
        assertEquals(SyncStatus.Halted, status.status());
        assertTrue(status.error().orElse("").contains("aborted by an operator at batch 2 of 3"), status.toString());
        assertEquals(Optional.empty(), rollouts.get(ID));
        assertEquals("aborted after batch 1 of 3", history.recent(ID).get(0).result(),
                "the batches that ran, not the one it waited for");

        clock.advance(PAUSE);
        reconcile(spec);
        assertEquals(3, changes().size(), "an aborted desired state is not rolled out again by itself");
        assertEquals(SyncStatus.Halted, status().status());
    }

    @Test
    void aNewerDesiredStateSupersedesAWaitingRolloutAndStartsFromTheHostsAsTheyAre() {
        AppSpec b = threeHosts('b');
        allRun('a');
        reconcile(b);
        shell.report("h1", runs('b', 'a'));
        clock.advance(Duration.ofSeconds(10));

        AppSpec c = threeHosts('c');
        Optional<Instant> next = reconciler.reconcile(c, "rev-c", List.of());

        RolloutHistory.Entry superseded = history.recent(ID).get(0);
        assertEquals("superseded by a newer desired state after batch 1 of 3", superseded.result());
        assertEquals("rev-" + sha('b').abbrev(), superseded.revision());
        assertEquals(sha('b').hex(), superseded.sha(), "the history names the SHA that rollout rolled out");
        RolloutRecord record = rollouts.get(ID).orElseThrow();
        assertEquals("rev-c", record.revision());
        assertEquals(AppReconciler.key(c), record.key());
        assertEquals(Optional.of(release('b')), record.host(host("h1")).rollbackTo(),
                "h1 is switched from the release the old rollout left it on");
        assertEquals(Phase.PENDING, record.host(host("h2")).phase());
        assertEquals(List.of("h1 " + DEPLOY, "h1 " + DEPLOY), changes(), "h1 to b, then h1 to c");
        assertEquals(Optional.of(clock.instant().plus(PAUSE)), next);
        AppStatus status = status();
        assertEquals(SyncStatus.Progressing, status.status());
        assertEquals(Optional.of(sha('c').hex()), status.sha());
        assertEquals(2, status.rollout().orElseThrow().batch());
    }

    @Test
    void aHostLeftSwitchedByARestartAndFailingItsHealthCheckIsSwitchedBack() {
        AppSpec spec = withHealthCommand(threeHosts('b'));
        RolloutRecord started = RolloutRecord.start(ID, "rev-b", AppReconciler.key(spec), T0.minusSeconds(60),
                List.of(hosts("h1"), hosts("h2"), hosts("h3")), spec::release);
        new FileRolloutStore(state.resolve("rollouts")).save(started.with(host("h1"), p -> new RolloutRecord.HostProgress(
                p.host(), Phase.SWITCHED, p.target(), Optional.of(release('a')), Optional.empty(),
                Optional.of("switch"), Optional.empty(), Optional.empty(), false, Optional.empty())));
        rollouts = new FileRolloutStore(state.resolve("rollouts"));
        reconciler = reconciler(); // trueup restarted
        shell.report("h1", runs('b', 'a'));
        shell.report("h2", runs('a'));
        shell.report("h3", runs('a'));
        shell.fail("h1", "health", 1, "connection refused");

        Optional<Instant> next = reconcile(spec);

        assertEquals(Optional.empty(), next);
        assertEquals(List.of("h1 restart", "h1 switch+restart", "h1 record"), changes(),
                "h1 restarted on b (the killed deploy may never have restarted it), found unhealthy, back on a;"
                        + " h2 and h3 untouched");
        AppStatus status = status();
        assertEquals(SyncStatus.Halted, status.status());
        String error = status.error().orElse("");
        assertTrue(error.contains("h1: step health failed") && error.contains("checked after trueup restarted"),
                error);
        assertEquals(Optional.empty(), rollouts.get(ID));
        assertTrue(history.recent(ID).get(0).result().startsWith("halted"), history.recent(ID).toString());
    }

    /** {@code spec} checked with a command on the host, failed at its first definite failure. */
    private static AppSpec withHealthCommand(AppSpec spec) {
        return new AppSpec(spec.id(), spec.source(), spec.path(), spec.user(), spec.requirements(), spec.wheelhouse(),
                spec.python(), spec.restart(), spec.stop(), new Health(Optional.empty(),
                        Optional.of("curl -fsS localhost:8000/healthz"), Duration.ofSeconds(1), Duration.ofMillis(100),
                        1, Duration.ZERO),
                spec.rollout(), spec.keep(), spec.selfHeal(), spec.sha(), spec.requirementsHash(), spec.hosts(),
                spec.file(), spec.recipe(), spec.rendered());
    }

    @Test
    void aHostTimingOutIsRetriedWithBackoffAndGivenUpOnAfterMaxAttempts() {
        AppSpec spec = spec(sha('b'), env('1'), "h1");
        shell.report("h1", runs('a'));
        shell.timeOut("h1", "release");

        assertEquals(Optional.empty(), reconcile(spec));
        assertEquals(List.of("h1 " + DEPLOY, "h1 unlock"), changes(), "the lock its command kept is freed");
        assertEquals(SyncStatus.Degraded, status().status());
        assertTrue(status().error().orElse("").contains("h1: step release failed"), status().toString());
        assertEquals(Optional.empty(), rollouts.get(ID));

        List<String> before = shell.commands();
        clock.advance(Duration.ofSeconds(1));
        reconcile(spec);
        assertEquals(before, shell.commands(), "not tried again before its backoff (2s) is over, nor inspected");
        assertEquals(SyncStatus.Degraded, status().status());
        assertTrue(status().error().orElse("").contains("failed 1 time(s) in a row"), status().toString());

        clock.advance(Duration.ofSeconds(1));
        reconcile(spec);
        assertEquals(4, changes().size(), "tried again: " + changes());
        assertEquals(SyncStatus.Degraded, status().status(), "two attempts of three");

        clock.advance(Duration.ofSeconds(4));
        reconcile(spec);
        assertEquals(6, changes().size(), "tried a third time: " + changes());
        AppStatus status = status();
        assertEquals(SyncStatus.Halted, status.status());
        assertTrue(status.error().orElse("").contains("gave up on h1 after 3 attempts"), status.toString());

        clock.advance(Duration.ofMinutes(10));
        reconcile(spec);
        assertEquals(6, changes().size(), "given up on: not tried again by itself");
        assertEquals(SyncStatus.Halted, status().status());
    }

    @Test
    void aHostUnreachablePastMaxAttemptsIsToldOnceAndOnceMoreWhenItAnswersAgain() {
        AppSpec spec = spec(sha('a'), env('1'), "h1");
        shell.report("h1", runs('a'));
        reconcile(spec);
        assertEquals(SyncStatus.Synced, status().status());
        shell.timeOut("h1", "inspect");

        for (int poll = 0; poll < 8; poll++) {
            clock.advance(Duration.ofMinutes(6)); // past any backoff: each poll tries the host
            reconcile(spec);
        }

        assertEquals(List.of(Notice.Event.UNREACHABLE), told.stream().map(Notice::event).toList(), told.toString());
        Notice down = told.get(0);
        assertEquals(ID, down.id());
        assertEquals("rev-" + sha('a').abbrev(), down.revision());
        assertTrue(down.message().startsWith("host h1 unreachable: ") && down.message().contains("timed out")
                && down.message().contains("failed 3 time(s) in a row"), down.message());

        shell.fail("h1", "inspect", 0, "");
        clock.advance(Duration.ofMinutes(6));
        reconcile(spec);
        reconcile(spec);

        assertEquals(SyncStatus.Synced, status().status());
        assertEquals(List.of(Notice.Event.UNREACHABLE, Notice.Event.REACHABLE),
                told.stream().map(Notice::event).toList(), told.toString());
        assertEquals("host h1 answers again", told.get(1).message());
    }

    @Test
    void theOutputOfAFailedStepIsCappedInTheStatusAndTheHistory() {
        AppSpec spec = threeHosts('b');
        allRun('a');
        String line = "y".repeat(100_000);
        shell.fail("h1", "restart", 1, (line + "\n").repeat(20));

        reconcile(spec);

        String error = status().error().orElse("");
        assertTrue(error.contains("h1: step restart failed"), error.substring(0, Math.min(200, error.length())));
        assertTrue(error.length() <= io.trueup.ErrorText.TEXT, "status error: " + error.length());
        String hostError = status().hosts().get(0).error().orElse("");
        assertTrue(hostError.length() <= io.trueup.ErrorText.TEXT, "host error: " + hostError.length());
        assertTrue(hostError.contains("[trueup: line cut]"), "says it was cut");
        RolloutHistory.HostResult kept = history.recent(ID).get(0).hosts().get(0);
        assertTrue(kept.output().length() <= io.trueup.ErrorText.TEXT, "history output: " + kept.output().length());
        assertTrue(kept.output().lines().allMatch(l -> l.length() <= io.trueup.ErrorText.LINE));
    }

    @Test
    void aFailedRestartHaltsAtOnceAndIsNotRetried() {
        AppSpec spec = threeHosts('b');
        allRun('a');
        shell.fail("h1", "restart", 1, "unit hello failed");

        assertEquals(Optional.empty(), reconcile(spec), "nothing to wake up for");

        List<String> ran = List.of("h1 " + DEPLOY, "h1 switch+restart", "h1 record");
        assertEquals(ran, changes(), "h1 switched back; h2 and h3 untouched");
        AppStatus status = status();
        assertEquals(SyncStatus.Halted, status.status());
        assertTrue(status.error().orElse("").contains("h1: step restart failed"), status.toString());
        assertEquals(Optional.empty(), rollouts.get(ID));
        assertTrue(history.recent(ID).get(0).result().startsWith("halted"), history.recent(ID).toString());

        clock.advance(Duration.ofMinutes(10));
        assertEquals(Optional.empty(), reconcile(spec));
        assertEquals(ran, changes(), "halted: not retried until desired state changes or an operator asks");
        assertEquals(SyncStatus.Halted, status().status());
    }
}
