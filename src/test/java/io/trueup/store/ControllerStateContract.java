package io.trueup.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.AppEnv;
import io.trueup.desired.HostAddress;
import io.trueup.desired.Problem;
import io.trueup.desired.ReleaseId;
import io.trueup.desired.Removal;
import io.trueup.desired.Sha;
import io.trueup.plan.Drift;
import io.trueup.reconcile.ControlStore;
import io.trueup.reconcile.ControllerState;
import io.trueup.reconcile.PendingUndeploys;
import io.trueup.reconcile.RolloutHistory;
import io.trueup.rollout.HostOutcome;
import io.trueup.rollout.Phase;
import io.trueup.rollout.RolloutRecord;
import io.trueup.status.AppStatus;
import io.trueup.status.DesiredStateStatus;
import io.trueup.status.HostState;
import io.trueup.status.HostStatus;
import io.trueup.status.RolloutView;
import io.trueup.status.StatusBoard;
import io.trueup.status.StatusStore;
import io.trueup.status.SyncStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What every adapter of trueup's state port must do, whichever it is (the state directory's
 * files, PostgreSQL): each part of {@link ControllerState} and the {@link StatusStore}, and what
 * one instance wrote read back by a new one over the same storage (a restart, or another replica).
 * Each test starts from an empty store.
 */
abstract class ControllerStateContract {

    static final AppEnv ID = new AppEnv("hello", "prod");
    static final AppEnv STAGING = new AppEnv("hello", "staging");
    static final AppEnv SHOP = new AppEnv("shop", "prod");
    static final HostAddress WEB1 = HostAddress.parse("web1:2222");
    static final HostAddress WEB2 = HostAddress.parse("web2");
    static final ReleaseId OLD = ReleaseId.of(new Sha("a".repeat(40)));
    static final ReleaseId NEW = ReleaseId.parse("b".repeat(40) + "-0123456789ab").orElseThrow();
    static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");
    static final Duration TTL = Duration.ofSeconds(30);
    static final DesiredStateStatus INITIAL = StatusBoard.initial(Optional.of("https://git.example.com/desired.git"),
            "main");

    /** The state under test, the same instance for the whole test. */
    abstract ControllerState state();

    /** A new instance over the same storage: what a restarted trueup reads. */
    abstract ControllerState reopened();

    /** The statuses under test (desired state's initially {@link #INITIAL}), the same for the whole test. */
    abstract StatusStore statuses();

    // Control: halts, pauses, applied specs.

    @Test
    void haltsPausesAndAppliedSpecsAreReadBackAfterAReopen() {
        ControlStore.Halt halt = new ControlStore.Halt("abc/123", "step env failed: pip: 'no such package'", T0);
        state().control().halt(ID, halt);
        state().control().pause(ID, true);
        state().control().applied(ID, "key-1");
        state().control().applied(ID, "key-2");

        ControlStore reopened = reopened().control();

        assertEquals(Optional.of(halt), reopened.halt(ID));
        assertTrue(reopened.paused(ID));
        assertEquals(Optional.of("key-2"), reopened.applied(ID), "the last applied spec");
        assertEquals(Optional.empty(), reopened.halt(SHOP));
        assertFalse(reopened.paused(SHOP));
        assertEquals(Optional.empty(), reopened.applied(SHOP));
    }

    @Test
    void clearingAHaltSaysWhetherThereWasOneAndLeavesThePause() {
        state().control().halt(ID, new ControlStore.Halt("abc/123", "failed", T0));
        state().control().pause(ID, true);

        assertTrue(state().control().clearHalt(ID));
        assertFalse(state().control().clearHalt(ID), "cleared already");
        assertFalse(state().control().clearHalt(SHOP), "never halted");

        assertEquals(Optional.empty(), reopened().control().halt(ID));
        assertTrue(reopened().control().paused(ID));
    }

    @Test
    void resumingLeavesTheHaltAndTheAppliedSpec() {
        ControlStore.Halt halt = new ControlStore.Halt("abc/123", "failed", T0);
        state().control().halt(ID, halt);
        state().control().applied(ID, "key-1");
        state().control().pause(ID, true);

        state().control().pause(ID, false);
        state().control().pause(SHOP, false);

        ControlStore reopened = reopened().control();
        assertFalse(reopened.paused(ID));
        assertFalse(reopened.paused(SHOP));
        assertEquals(Optional.of(halt), reopened.halt(ID));
        assertEquals(Optional.of("key-1"), reopened.applied(ID));
    }

    @Test
    void appsRemovedFromDesiredStateAreForgottenAndRetainSaysWhetherAnyWere() {
        for (AppEnv id : List.of(ID, SHOP)) {
            state().control().halt(id, new ControlStore.Halt("k", "failed", T0));
            state().control().pause(id, true);
            state().control().applied(id, "key-" + id.app());
        }

        assertTrue(state().control().retain(Set.of(ID)));
        assertFalse(state().control().retain(Set.of(ID, STAGING)), "nothing left to forget");

        ControlStore reopened = reopened().control();
        assertEquals(Optional.empty(), reopened.halt(SHOP));
        assertFalse(reopened.paused(SHOP));
        assertEquals(Optional.empty(), reopened.applied(SHOP));
        assertTrue(reopened.paused(ID), "what is still desired is kept");
        assertEquals(Optional.of("key-hello"), reopened.applied(ID));
    }

    // Rollouts, each saved under the app/environment's lease.

    static RolloutRecord midway() {
        RolloutRecord started = RolloutRecord.start(ID, "rev2", "key2", T0, List.of(List.of(WEB1), List.of(WEB2)),
                host -> NEW);
        return started
                .with(WEB1, p -> new RolloutRecord.HostProgress(WEB1, Phase.SWITCHED, NEW, Optional.of(OLD),
                        Optional.empty(), Optional.of("switch"), Optional.empty(), Optional.empty(), false,
                        Optional.empty()))
                .with(WEB2, p -> new RolloutRecord.HostProgress(WEB2, Phase.FAILED, NEW, Optional.of(OLD),
                        Optional.of(OLD), Optional.of("restart"), Optional.of("exit 3"), Optional.of("unit failed"),
                        false, Optional.of(new HostOutcome.Rollback(OLD, true, "switched back"))))
                .atBatch(1, Optional.of(T0.plusSeconds(30))).stopping("web2 did not migrate");
    }

    RolloutRecord saveUnderLease(RolloutRecord record) {
        assertTrue(state().leases().hold(record.id(), TTL), "the lease of a free app/environment is granted");
        return state().rollouts().save(record);
    }

    @Test
    void aRolloutRecordIsReadBackWholeAfterAReopen() {
        RolloutRecord saved = saveUnderLease(midway());

        assertEquals(midway(), saved);
        assertEquals(Optional.of(midway()), state().rollouts().get(ID));
        assertEquals(Optional.of(midway()), reopened().rollouts().get(ID));
        assertEquals(Optional.empty(), reopened().rollouts().get(STAGING));
    }

    @Test
    void anAbortAskedForWhileAStepRunsIsKeptWhenTheStepSavesItsRecord() {
        RolloutRecord running = saveUnderLease(midway());

        assertTrue(state().rollouts().abort(ID));
        RolloutRecord saved = state().rollouts().save(running.atBatch(2, Optional.empty()));

        assertTrue(saved.abort());
        assertEquals(2, saved.batch(), "the step's own change is saved too");
        assertEquals(Optional.of(saved), reopened().rollouts().get(ID));
    }

    @Test
    void anAbortIsNotCarriedIntoTheNextRollout() {
        saveUnderLease(midway());
        state().rollouts().abort(ID);

        RolloutRecord next = RolloutRecord.start(ID, "rev3", "key3", T0.plusSeconds(600), List.of(List.of(WEB1)),
                host -> NEW);
        RolloutRecord saved = state().rollouts().save(next);

        assertFalse(saved.abort());
        assertEquals(Optional.of(next), reopened().rollouts().get(ID));
    }

    @Test
    void anEndedRolloutIsGoneAndCannotBeAborted() {
        saveUnderLease(midway());

        state().rollouts().remove(ID);
        state().rollouts().remove(STAGING);

        assertEquals(Optional.empty(), reopened().rollouts().get(ID));
        assertFalse(state().rollouts().abort(ID), "nothing to abort");
        assertFalse(reopened().rollouts().abort(SHOP));
    }

    @Test
    void rolloutsOfAppsRemovedFromDesiredStateAreForgotten() {
        saveUnderLease(midway());
        RolloutRecord shop = RolloutRecord.start(SHOP, "rev2", "key9", T0, List.of(List.of(WEB2)), host -> OLD);
        saveUnderLease(shop);

        state().rollouts().retain(Set.of(SHOP, STAGING));

        assertEquals(Optional.empty(), reopened().rollouts().get(ID));
        assertEquals(Optional.of(shop), reopened().rollouts().get(SHOP));
    }

    // Last valid revisions.

    static final String R1 = "1111111111111111111111111111111111111111";
    static final String R2 = "2222222222222222222222222222222222222222";

    @Test
    void lastValidRevisionsAreKeptForWhatDesiredStateStillHas() {
        state().lastValid().update(Set.of(ID, SHOP), Map.of(ID, R1, SHOP, R1));

        // hello/prod is invalid now (no valid revision given), shop/prod left desired state, hello/staging is new.
        state().lastValid().update(Set.of(ID, STAGING), Map.of(STAGING, R2));

        var reopened = reopened().lastValid();
        assertEquals(Optional.of(R1), reopened.revision(ID));
        assertEquals(Optional.empty(), reopened.revision(SHOP));
        assertEquals(Optional.of(R2), reopened.revision(STAGING));
        assertEquals(Optional.of(R2), state().lastValid().revision(STAGING));
    }

    @Test
    void aNewerValidRevisionReplacesTheOlder() {
        state().lastValid().update(Set.of(ID), Map.of(ID, R1));
        state().lastValid().update(Set.of(ID), Map.of(ID, R2));

        assertEquals(Optional.of(R2), reopened().lastValid().revision(ID));
    }

    // History.

    static RolloutHistory.Entry entry(int n) {
        return new RolloutHistory.Entry(String.format("r%03d", n), "a".repeat(40), "sha256:" + "1".repeat(64),
                T0.plusSeconds(n), Duration.ofMillis(7250), n % 2 == 0 ? "succeeded" : "halted: web2 failed",
                List.of(new RolloutHistory.HostResult("web1:2222", "deployed", null, null, null),
                        new RolloutHistory.HostResult("web2", n % 2 == 0 ? "deployed" : "failed", "restart",
                                "restart failed: exit 3", "line 1\nline 2")));
    }

    @Test
    void theHistoryIsServedNewestFirstAtMostTheRecentOnes() {
        IntStream.range(0, RolloutHistory.RECENT + 10).forEach(n -> state().history().add(ID, entry(n)));

        List<RolloutHistory.Entry> served = state().history().recent(ID);

        assertEquals(IntStream.iterate(RolloutHistory.RECENT + 9, n -> n - 1).limit(RolloutHistory.RECENT)
                .mapToObj(ControllerStateContract::entry).toList(), served, "newest first, whole, none missing");
        assertEquals(served, reopened().history().recent(ID), "the same after a reopen");
    }

    @Test
    void eachAppEnvironmentHasItsOwnHistoryAndARemovedOneKeepsIt() {
        state().history().add(ID, entry(1));
        state().history().add(SHOP, entry(2));
        state().history().add(ID, entry(3));

        assertEquals(List.of(entry(3), entry(1)), reopened().history().recent(ID));
        assertEquals(List.of(entry(2)), reopened().history().recent(SHOP));
        assertEquals(List.of(), reopened().history().recent(STAGING));
    }

    // Pending undeploys.

    static PendingUndeploys.Pending pending(AppEnv id, String host, Optional<String> stop, Instant since) {
        return new PendingUndeploys.Pending(new Removal(id, HostAddress.parse(host), "/srv/hello", "deploy", stop),
                "a".repeat(40), "sha256:" + "e".repeat(64), "b".repeat(40), since, false, Optional.empty(), false);
    }

    static PendingUndeploys.Key key(AppEnv id, String host) {
        return new PendingUndeploys.Key(id, HostAddress.parse(host));
    }

    @Test
    void pendingUndeploysAreReadBackInOrderAfterAReopen() {
        PendingUndeploys undeploys = state().undeploys();
        undeploys.add(pending(SHOP, "web1", Optional.empty(), T0));
        undeploys.add(pending(ID, "web2:2222", Optional.empty(), T0));
        undeploys.add(pending(ID, "web1", Optional.of("sudo systemctl stop hello"), T0));

        PendingUndeploys reopened = reopened().undeploys();

        assertEquals(List.of(key(ID, "web1"), key(ID, "web2:2222"), key(SHOP, "web1")),
                reopened.all().stream().map(PendingUndeploys.Pending::key).toList(), "ordered by app/env and host");
        assertEquals(undeploys.all(), reopened.all());
        assertEquals(List.of(pending(ID, "web1", Optional.of("sudo systemctl stop hello"), T0),
                pending(ID, "web2:2222", Optional.empty(), T0)), reopened.of(ID));
        assertEquals(List.of(), reopened.of(STAGING));
        assertEquals(Optional.of(pending(SHOP, "web1", Optional.empty(), T0)), reopened.get(key(SHOP, "web1")));
        assertEquals(Optional.empty(), reopened.get(key(SHOP, "web2")));
    }

    @Test
    void theFirstRemovalOfAHostIsTheOneThatCounts() {
        state().undeploys().add(pending(ID, "web1", Optional.empty(), T0));
        state().undeploys().add(pending(ID, "web1", Optional.of("stop-it"), T0.plusSeconds(60)));

        assertEquals(List.of(pending(ID, "web1", Optional.empty(), T0)), reopened().undeploys().all());
    }

    @Test
    void anUndeployIsApprovedFailedAndForgotten() {
        state().undeploys().add(pending(ID, "web1", Optional.empty(), T0));
        state().undeploys().add(pending(ID, "web2", Optional.empty(), T0));

        state().undeploys().update(key(ID, "web1"), PendingUndeploys.Pending::approve);
        state().undeploys().update(key(ID, "web2"), p -> p.approve().failed("stop failed: exit 1", false));
        state().undeploys().update(key(SHOP, "web1"), PendingUndeploys.Pending::approve);

        PendingUndeploys reopened = reopened().undeploys();
        assertTrue(reopened.get(key(ID, "web1")).orElseThrow().approved());
        PendingUndeploys.Pending failed = reopened.get(key(ID, "web2")).orElseThrow();
        assertEquals(Optional.of("stop failed: exit 1"), failed.error());
        assertTrue(failed.failed());
        assertFalse(failed.approved(), "a host's failure waits for an operator again");
        assertEquals(Optional.empty(), reopened.get(key(SHOP, "web1")), "an update makes no entry");

        assertTrue(state().undeploys().remove(key(ID, "web1")));
        assertFalse(state().undeploys().remove(key(ID, "web1")), "gone already");
        assertEquals(List.of(key(ID, "web2")),
                reopened().undeploys().all().stream().map(PendingUndeploys.Pending::key).toList());
    }

    // Statuses.

    static AppStatus status(AppEnv id, SyncStatus sync) {
        HostStatus web1 = new HostStatus(WEB1, Optional.of(NEW.name()), HostState.Deploying, Optional.of("switch"),
                Optional.empty(), Set.of(Drift.WRONG_SHA, Drift.CONFIG_CHANGED), List.of("app.py changed by hand"));
        HostStatus web2 = new HostStatus(WEB2, Optional.of(OLD.name()), HostState.Failed, Optional.of("restart"),
                Optional.of("restart failed: exit 3\nunit failed"), Set.of(), List.of("switched back to " + OLD.abbrev()));
        return new AppStatus(id, Optional.of("b".repeat(40)), sync, Optional.of("web2: restart failed"),
                List.of(new Problem("apps/hello.yaml", 12, "hosts[1]", "not a host name: 'web_3'")),
                List.of(web1, web2, HostStatus.unknown(HostAddress.parse("[2001:db8::1]:2222"))), false, T0,
                Optional.of(new RolloutView(2, 3, Optional.of(T0.plusSeconds(30)), true,
                        List.of(new RolloutView.HostPhase("web1:2222", "switched"),
                                new RolloutView.HostPhase("web2", "rolled back")))));
    }

    @Test
    void theDesiredStatesStatusIsTheInitialOneUntilWritten() {
        assertEquals(INITIAL, statuses().desired());

        DesiredStateStatus fetched = new DesiredStateStatus(INITIAL.url(), "main", Optional.of(R1),
                Optional.of(T0), Optional.of("apps/shop.yaml: not valid YAML"),
                List.of(new Problem("trueup.yaml", 3, "notify", "unknown field")));
        statuses().updateDesired(d -> fetched);
        statuses().updateDesired(d -> new DesiredStateStatus(d.url(), d.branch(), d.revision(), d.fetchedAt(),
                Optional.empty(), d.problems()));

        assertEquals(new DesiredStateStatus(INITIAL.url(), "main", Optional.of(R1), Optional.of(T0), Optional.empty(),
                fetched.problems()), statuses().desired());
    }

    @Test
    void anAppsStatusIsReadBackEqual() {
        AppStatus written = status(ID, SyncStatus.Progressing);
        AppStatus plain = new AppStatus(SHOP, Optional.empty(), SyncStatus.Synced, Optional.empty(), List.of(),
                List.of(HostStatus.unknown(WEB1)), true, T0);

        statuses().put(written);
        statuses().put(plain);

        assertEquals(Optional.of(written), statuses().app(ID));
        assertEquals(Optional.of(plain), statuses().app(SHOP));
        assertEquals(Optional.empty(), statuses().app(STAGING));
    }

    @Test
    void statusesAreServedInAppEnvironmentOrder() {
        List<AppEnv> ids = List.of(SHOP, new AppEnv("hello-world", "prod"), STAGING, ID, new AppEnv("hello", "p2"));
        ids.forEach(id -> statuses().put(status(id, SyncStatus.Synced)));

        assertEquals(ids.stream().sorted().toList(), statuses().apps().stream().map(AppStatus::id).toList());
    }

    @Test
    void anUpdateChangesAStatusThereIsAndMakesNone() {
        statuses().put(status(ID, SyncStatus.Progressing));

        statuses().update(ID, s -> s.withPaused(true));
        statuses().update(SHOP, s -> s.withPaused(true));
        new StatusBoard(statuses()).updateHost(ID, WEB2, h -> new HostStatus(h.host(), h.release(), HostState.Synced,
                Optional.empty(), Optional.empty(), Set.of(), List.of()));

        AppStatus read = statuses().app(ID).orElseThrow();
        assertTrue(read.paused());
        assertEquals(List.of(HostState.Deploying, HostState.Synced, HostState.Unknown),
                read.hosts().stream().map(HostStatus::state).toList(), "only that host changed");
        assertEquals(Optional.empty(), statuses().app(SHOP));
    }

    @Test
    void concurrentUpdatesOfAStatusAreNoneLost() throws Exception {
        statuses().put(status(ID, SyncStatus.Progressing));
        StatusBoard board = new StatusBoard(statuses());
        int threads = 4;
        int each = 10;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> IntStream.range(0, each).forEach(n -> board.updateHost(ID, WEB1,
                        h -> new HostStatus(h.host(), h.release(), h.state(), h.step(), h.error(), h.drift(),
                                append(h.detail(), "note " + thread + "." + n))))));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertEquals(1 + threads * each, statuses().app(ID).orElseThrow().hosts().get(0).detail().size());
    }

    private static List<String> append(List<String> list, String more) {
        List<String> longer = new ArrayList<>(list);
        longer.add(more);
        return longer;
    }

    @Test
    void statusesOfAppsRemovedFromDesiredStateAreForgotten() {
        List.of(ID, STAGING, SHOP).forEach(id -> statuses().put(status(id, SyncStatus.Synced)));

        statuses().forget(STAGING);
        statuses().retain(Set.of(ID, STAGING));

        assertEquals(List.of(ID), statuses().apps().stream().map(AppStatus::id).toList());
    }

    // Leases.

    @Test
    void aLeaseIsHeldRenewedAndReleased() {
        var leases = state().leases();

        assertTrue(leases.hold(ID, TTL));
        assertTrue(leases.hold(ID, TTL), "renewed by its holder");
        leases.holder(ID).ifPresent(lease -> assertEquals(leases.replica(), lease.owner()));
        leases.release(ID);
        leases.release(SHOP);

        assertEquals(Optional.empty(), leases.holder(ID));
        assertTrue(leases.hold(ID, TTL), "taken again");
    }
}
