package io.trueup.store;

import static io.trueup.store.ControllerStateContract.ID;
import static io.trueup.store.ControllerStateContract.INITIAL;
import static io.trueup.store.ControllerStateContract.TTL;
import static io.trueup.store.ControllerStateContract.midway;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.AppEnv;
import io.trueup.reconcile.ControllerState;
import io.trueup.rollout.RolloutRecord;
import io.trueup.store.Leases.Lease;
import io.trueup.support.PostgresServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What only a store shared by replicas has to show: two replicas ({@code a} and {@code b}) on one
 * real PostgreSQL see each other's writes at once, only the holder of an app/environment's lease
 * saves its rollout steps, and a database that is down stops both.
 */
class PostgresReplicasTest {

    static PostgresServer pg;

    private ControllerState a;
    private ControllerState b;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = PostgresServer.migrated();
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void twoReplicas() {
        PostgresStateContractTest.emptied(pg);
        a = PostgresState.of(pg.dataSource(), "a", INITIAL).state();
        b = PostgresState.of(pg.dataSource(), "b", INITIAL).state();
    }

    @Test
    void aPauseSentToOneReplicaIsSeenByTheOthersNextRead() {
        a.control().pause(ID, true);
        assertTrue(b.control().paused(ID));

        b.control().pause(ID, false);
        assertFalse(a.control().paused(ID));
    }

    @Test
    void anAbortSentToAnotherReplicaSurvivesTheHoldersNextSave() {
        assertTrue(a.leases().hold(ID, TTL));
        RolloutRecord running = a.rollouts().save(midway());

        assertTrue(b.rollouts().abort(ID), "an operator's abort needs no lease");
        RolloutRecord saved = a.rollouts().save(running.atBatch(2, Optional.empty()));

        assertTrue(saved.abort());
        assertEquals(Optional.of(saved), b.rollouts().get(ID));
    }

    @Test
    void aLeaseIsOneReplicasUntilItReleasesIt() {
        assertTrue(a.leases().hold(ID, TTL));

        assertFalse(b.leases().hold(ID, TTL));
        b.leases().release(ID);
        assertEquals(Optional.of("a"), b.leases().holder(ID).map(Lease::owner), "b cannot release a's lease");
        assertTrue(a.leases().hold(ID, TTL), "a renews it");

        a.leases().release(ID);

        assertEquals(Optional.empty(), b.leases().holder(ID));
        assertTrue(b.leases().hold(ID, TTL));
        assertFalse(a.leases().hold(ID, TTL));
    }

    @Test
    void replicasRacingForLeasesGetEachFromOneOfThem() throws Exception {
        List<AppEnv> ids = IntStream.range(0, 20).mapToObj(n -> new AppEnv("app" + n, "prod")).toList();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<Boolean>>> won = new ArrayList<>();
            for (ControllerState replica : List.of(a, b)) {
                won.add(pool.submit(() -> {
                    go.await(30, TimeUnit.SECONDS);
                    return ids.stream().map(id -> replica.leases().hold(id, TTL)).toList();
                }));
            }
            go.countDown();
            List<Boolean> byA = won.get(0).get(60, TimeUnit.SECONDS);
            List<Boolean> byB = won.get(1).get(60, TimeUnit.SECONDS);

            for (int i = 0; i < ids.size(); i++) {
                assertTrue(byA.get(i) ^ byB.get(i), ids.get(i) + ": a " + byA.get(i) + ", b " + byB.get(i));
                assertEquals(Optional.of(byA.get(i) ? "a" : "b"), a.leases().holder(ids.get(i)).map(Lease::owner));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void onlyTheHolderMayActOnTheHostsAndARenewalNeverTakesALeaseBack() {
        assertThrows(LeaseLost.class, () -> a.rollouts().mayAct(ID), "nobody holds it");
        assertTrue(a.leases().hold(ID, TTL));
        a.rollouts().mayAct(ID);
        LeaseLost other = assertThrows(LeaseLost.class, () -> b.rollouts().mayAct(ID));
        assertTrue(other.getMessage().contains("replica b does not hold the lease"), other.getMessage());
        assertTrue(a.leases().renew(ID, TTL), "the holder renews it");
        assertFalse(b.leases().renew(ID, TTL), "another does not");

        a.leases().release(ID);
        assertFalse(a.leases().renew(ID, TTL), "given up, it is not taken again by a late renewal");
        assertEquals(Optional.empty(), a.leases().holder(ID));
    }

    @Test
    void aSaveWithoutTheLeaseIsRefusedAndWritesNothing() {
        LeaseLost nobody = assertThrows(LeaseLost.class, () -> b.rollouts().save(midway()));
        assertEquals(Optional.empty(), a.rollouts().get(ID));
        assertEquals(Optional.empty(), nobody.holder());

        assertTrue(a.leases().hold(ID, TTL));
        RolloutRecord saved = a.rollouts().save(midway());
        LeaseLost held = assertThrows(LeaseLost.class, () -> b.rollouts().save(saved.atBatch(2, Optional.empty())));

        assertEquals(Optional.of("a"), held.holder().map(Lease::owner));
        assertTrue(held.getMessage().contains("replica b does not hold the lease of hello/prod (replica a holds it"),
                held.getMessage());
        assertEquals(Optional.of(saved), b.rollouts().get(ID), "a's record as a saved it");
    }

    @Test
    void aReplicaThatLostTheLeaseCannotEndTheRolloutItsNewHolderRuns() {
        assertTrue(a.leases().hold(ID, TTL));
        RolloutRecord saved = a.rollouts().save(midway());
        a.leases().release(ID);
        assertTrue(b.leases().hold(ID, TTL));

        assertThrows(LeaseLost.class, () -> a.rollouts().remove(ID));

        assertEquals(Optional.of(saved), b.rollouts().get(ID));
        b.rollouts().remove(ID);
        assertEquals(Optional.empty(), a.rollouts().get(ID), "its holder ends it");
    }

    @Test
    void anExpiredLeaseIsTakenOverAndItsFormerHolderCannotSaveAnotherStep() {
        assertTrue(a.leases().hold(ID, TTL));
        RolloutRecord saved = a.rollouts().save(midway());
        assertTrue(a.leases().hold(ID, Duration.ofSeconds(1)), "renewed for a second only");

        awaitTrue(() -> b.leases().hold(ID, TTL), "b takes over the lease once it expired");

        LeaseLost lost = assertThrows(LeaseLost.class, () -> a.rollouts().save(saved.atBatch(2, Optional.empty())));
        assertEquals(Optional.of("b"), lost.holder().map(Lease::owner));
        assertEquals(Optional.of(saved), b.rollouts().get(ID), "b goes on from a's last record");
        assertFalse(a.leases().hold(ID, TTL), "a does not take it back");
        b.rollouts().save(saved.atBatch(2, Optional.empty()));
    }

    @Test
    void aLeaseThatExpiredWithNobodyTakingItIsNoLongerItsHolders() {
        assertTrue(a.leases().hold(ID, TTL));
        RolloutRecord saved = a.rollouts().save(midway());
        assertTrue(a.leases().hold(ID, Duration.ofSeconds(1)), "renewed for a second only");

        awaitTrue(() -> a.leases().holder(ID).isEmpty(), "the lease expires");

        LeaseLost lost = assertThrows(LeaseLost.class, () -> a.rollouts().save(saved.atBatch(2, Optional.empty())));
        assertTrue(lost.getMessage().contains("no replica holds it"), lost.getMessage());
        assertTrue(a.leases().hold(ID, TTL), "taken again before its next step");
        assertEquals(2, a.rollouts().save(saved.atBatch(2, Optional.empty())).batch());
    }

    @Test
    void whileTheDatabaseIsDownNoReplicaHoldsALeaseNorSavesAStep() {
        assertTrue(a.leases().hold(ID, TTL));
        RolloutRecord saved = a.rollouts().save(midway());

        pg.stop();
        try {
            assertThrows(StoreException.class, () -> a.leases().hold(ID, TTL));
            assertThrows(StoreException.class, () -> b.leases().hold(new AppEnv("shop", "prod"), TTL));
            StoreException save = assertThrows(StoreException.class,
                    () -> a.rollouts().save(saved.atBatch(2, Optional.empty())));
            assertTrue(save.getMessage().startsWith("PostgreSQL: cannot save the rollout of hello/prod: "),
                    save.getMessage());
            assertThrows(StoreException.class, () -> b.control().paused(ID));
        } finally {
            pg.start();
        }

        assertTrue(a.leases().hold(ID, TTL), "a renews its lease once the database is back");
        assertEquals(Optional.of(saved), b.rollouts().get(ID), "nothing was saved while it was down");
        assertEquals(2, a.rollouts().save(saved.atBatch(2, Optional.empty())).batch());
    }

    /** Waits, at most 15 s, until {@code condition} holds. */
    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (int attempt = 0; attempt < 300 && System.nanoTime() < deadline; attempt++) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("not within 15 s: " + what);
    }
}
