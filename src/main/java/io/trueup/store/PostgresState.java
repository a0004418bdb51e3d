package io.trueup.store;

import io.trueup.reconcile.ControllerState;
import io.trueup.status.DesiredStateStatus;
import io.trueup.status.StatusStore;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * trueup's state in PostgreSQL ({@code trueup.store=postgresql}), shared by every replica: the
 * {@link ControllerState} and the {@link StatusStore} of one replica, over one database. Nothing
 * is cached: every call reads or writes the database, each read-modify-write in one transaction,
 * so what one replica writes is what the next read of any other returns. A failure of the
 * database is a {@link StoreException}; a rollout step saved without this replica's lease of its
 * app/environment is a {@link LeaseLost}.
 *
 * <p>The schema (Flyway's {@code db/migration}, history in {@code trueup_schema_history}):
 * <ul>
 * <li>{@code trueup_control}: per app/environment, its halt (JSON), whether it is paused, and the
 *     key of the spec last applied to all its hosts; a row with none of them is deleted.
 * <li>{@code trueup_rollouts}: per app/environment, its running rollout's record (JSON, as
 *     {@code RecordJson} writes it), when and by which replica it was last saved.
 * <li>{@code trueup_last_valid}: per app/environment, the desired-state revision at which it was
 *     last valid.
 * <li>{@code trueup_history}: a row per rollout (JSON), the newest 50 per app/environment kept,
 *     indexed by app/environment and id (newest first).
 * <li>{@code trueup_undeploys}: per app/environment and host, its pending undeploy (JSON).
 * <li>{@code trueup_app_status}: per app/environment, its status as {@code /api/status} serves it
 *     (JSON); {@code trueup_desired_status}: the desired state's status (one row).
 * <li>{@code trueup_leases}: per app/environment, the replica that may act on it, until when
 *     (by the database's clock).
 * <li>{@code qrtz_*}: Quartz's clustered job store, written by Quartz only.
 * </ul>
 * Thread-safe when the data source is.
 */
public final class PostgresState {

    /** Flyway's table of applied migrations: Quarkus's {@code quarkus.flyway.table} names the same. */
    public static final String SCHEMA_HISTORY = "trueup_schema_history";

    /** Where the migrations are: Quarkus's default location, which migrate-at-start runs. */
    public static final String MIGRATIONS = "classpath:db/migration";

    private final ControllerState state;
    private final StatusStore statuses;

    private PostgresState(ControllerState state, StatusStore statuses) {
        this.state = state;
        this.statuses = statuses;
    }

    /**
     * The state of replica {@code replica} in the database of {@code dataSource}, which must be
     * migrated already ({@link #migrate}, or Quarkus's migrate-at-start).
     *
     * @param replica this replica's name, the owner of its leases: {@code [A-Za-z0-9._-]{1,63}}
     * @param initialDesired the desired state's status before its first fetch
     * @throws IllegalArgumentException when {@code replica} is not a replica's name
     */
    public static PostgresState of(DataSource dataSource, String replica, DesiredStateStatus initialDesired) {
        Database db = new Database(dataSource);
        PostgresLeases leases = new PostgresLeases(db, replica);
        ControllerState state = new ControllerState(new PostgresControlStore(db), new PostgresRolloutStore(db, replica),
                new PostgresLastValidStore(db), new PostgresRolloutHistory(db), new PostgresPendingUndeploys(db), leases);
        return new PostgresState(state, new PostgresStatusStore(db, initialDesired));
    }

    /**
     * Brings the schema of {@code dataSource}'s database up to date, as Quarkus's
     * migrate-at-start does: for tests and tools that run without Quarkus.
     */
    public static void migrate(DataSource dataSource) {
        Flyway.configure().dataSource(dataSource).table(SCHEMA_HISTORY).locations(MIGRATIONS).load().migrate();
    }

    public ControllerState state() {
        return state;
    }

    public StatusStore statuses() {
        return statuses;
    }
}
