package io.trueup.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.reconcile.ControlStore;
import io.trueup.reconcile.ControllerState;
import io.trueup.reconcile.PendingUndeploys;
import io.trueup.reconcile.RolloutHistory;
import io.trueup.status.AppStatus;
import io.trueup.status.DesiredStateStatus;
import io.trueup.status.StatusBoard;
import io.trueup.status.StatusStore;
import io.trueup.status.SyncStatus;
import io.trueup.support.PostgresServer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * trueup.store=postgresql: the state in a real PostgreSQL server, migrated by Flyway as Quarkus
 * does at start; plus what only this adapter has to show (its tables, unreadable rows).
 */
class PostgresStateContractTest extends ControllerStateContract {

    static final String REPLICA = "replica-a";

    static PostgresServer pg;

    private PostgresState opened;

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
    void open() {
        emptied(pg);
        opened = PostgresState.of(pg.dataSource(), REPLICA, INITIAL);
    }

    /** Empties trueup's tables (not Quartz's, not Flyway's). */
    static void emptied(PostgresServer pg) {
        pg.queryOne("TRUNCATE trueup_control, trueup_rollouts, trueup_last_valid, trueup_history, trueup_undeploys,"
                + " trueup_app_status, trueup_desired_status, trueup_leases");
    }

    @Override
    ControllerState state() {
        return opened.state();
    }

    @Override
    ControllerState reopened() {
        return PostgresState.of(pg.dataSource(), REPLICA, INITIAL).state();
    }

    @Override
    StatusStore statuses() {
        return opened.statuses();
    }

    @Test
    void migratingAgainChangesNothing() {
        PostgresState.migrate(pg.dataSource());

        assertEquals(Optional.of("3"), pg.queryOne("SELECT max(version) FROM trueup_schema_history"));
        assertEquals(Optional.of("3"), pg.queryOne("SELECT count(*) FROM trueup_schema_history WHERE success"),
                "each migration applied once");
        assertEquals(Optional.of("11"), pg.queryOne("SELECT count(*) FROM information_schema.tables"
                + " WHERE table_name LIKE 'qrtz\\_%'"), "Quartz's tables");
    }

    @Test
    void statusesWrittenByOneInstanceAreReadByAnother() {
        AppStatus written = status(ID, SyncStatus.Halted);
        statuses().put(written);
        statuses().updateDesired(d -> new DesiredStateStatus(d.url(), d.branch(), Optional.of(R1),
                Optional.of(T0), Optional.empty(), List.of()));

        StatusStore other = PostgresState.of(pg.dataSource(), "replica-b", INITIAL).statuses();

        assertEquals(List.of(written), other.apps());
        assertEquals(Optional.of(R1), other.desired().revision());
    }

    @Test
    void theDesiredStatusOfAnotherRepositoryIsNotServed() {
        statuses().updateDesired(d -> new DesiredStateStatus(d.url(), d.branch(), Optional.of(R1),
                Optional.of(T0), Optional.empty(), List.of()));
        DesiredStateStatus moved = StatusBoard.initial(Optional.of("https://git.example.com/other.git"), "main");

        StatusStore reconfigured = PostgresState.of(pg.dataSource(), REPLICA, moved).statuses();

        assertEquals(moved, reconfigured.desired(), "as if never fetched");
        reconfigured.updateDesired(d -> new DesiredStateStatus(d.url(), d.branch(), Optional.of(R2), Optional.of(T0),
                Optional.empty(), List.of()));
        assertEquals(Optional.of("https://git.example.com/other.git"), reconfigured.desired().url());
        assertEquals(Optional.of(R2), reconfigured.desired().revision());
    }

    @Test
    void anUnreadableRolloutRecordIsForgottenAndTheOthersGoOn() {
        assertTrue(state().leases().hold(ID, TTL));
        state().rollouts().save(midway());
        pg.queryOne("INSERT INTO trueup_rollouts (app_env, record, saved_by)"
                + " VALUES ('hello/staging', '{\"id\": \"hello/staging\", \"batches\": 3}', 'by-hand')");

        assertEquals(Optional.empty(), state().rollouts().get(STAGING), "planned afresh");
        assertEquals(Optional.of(midway()), state().rollouts().get(ID), "the readable one goes on");
        assertEquals(Optional.of("0"), pg.queryOne("SELECT count(*) FROM trueup_rollouts WHERE app_env = 'hello/staging'"));
    }

    @Test
    void anUndeployThatBreaksTheDesiredStateRulesIsDroppedWhenRead() {
        state().undeploys().add(pending(ID, "web1", Optional.of("sudo systemctl stop hello"), T0));
        state().undeploys().add(pending(ID, "web2", Optional.empty(), T0));
        pg.queryOne("UPDATE trueup_undeploys SET entry = jsonb_set(entry, '{path}', '\"/srv/../etc\"')"
                + " WHERE host = 'web1'");

        assertEquals(List.of(key(ID, "web2")),
                state().undeploys().all().stream().map(PendingUndeploys.Pending::key).toList());
        assertEquals(Optional.of("1"), pg.queryOne("SELECT count(*) FROM trueup_undeploys"), "never undeployed");
    }

    @Test
    void theHistoryTableKeepsOnlyTheRecentRolloutsOfEachAppEnvironment() {
        IntStream.range(0, RolloutHistory.RECENT + 25).forEach(n -> state().history().add(ID, entry(n)));
        state().history().add(SHOP, entry(1));

        assertEquals(Optional.of(String.valueOf(RolloutHistory.RECENT)),
                pg.queryOne("SELECT count(*) FROM trueup_history WHERE app_env = 'hello/prod'"));
        assertEquals(Optional.of("1"), pg.queryOne("SELECT count(*) FROM trueup_history WHERE app_env = 'shop/prod'"));
    }

    @Test
    void textThatLooksLikeSqlIsKeptAsText() {
        String sneaky = "'); DROP TABLE trueup_control; --";
        ControlStore.Halt halt = new ControlStore.Halt(sneaky, "exit 1: \"quoted\" \\ back\\slash \u00e9", Instant.EPOCH);

        state().control().halt(ID, halt);
        state().control().applied(ID, sneaky);

        assertEquals(Optional.of(halt), reopened().control().halt(ID));
        assertEquals(Optional.of(sneaky), reopened().control().applied(ID));
    }
}
