package io.trueup.store;

import io.trueup.desired.AppEnv;
import io.trueup.rollout.RecordJson;
import io.trueup.rollout.RolloutRecord;
import io.trueup.rollout.RolloutStore;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The running rollouts in {@code trueup_rollouts}, one row per app/environment holding the record
 * as {@link RecordJson} writes it. {@link #save} writes only under this replica's unexpired lease of
 * the app/environment: the lease row is read and locked ({@code FOR SHARE}, so that no other
 * replica takes it over meanwhile) in the transaction that writes the record, its expiry compared
 * with the database's clock; otherwise it throws {@link LeaseLost} and writes nothing. Nor does
 * {@link #remove} forget a rollout whose lease another replica holds. An abort
 * ({@link #abort}, from any replica, no lease needed) locks the row and is kept by the saves that
 * follow, as {@code FileRolloutStore} keeps it. A record that cannot be read (written by hand, or by
 * another version of trueup) is logged and deleted, as the file store sets its file aside: that
 * app/environment is planned afresh from its hosts. Thread-safe.
 */
final class PostgresRolloutStore implements RolloutStore {

    private static final Logger LOG = Logger.getLogger(PostgresRolloutStore.class);

    private final Database db;
    private final String replica;

    PostgresRolloutStore(Database db, String replica) {
        this.db = db;
        this.replica = replica;
    }

    @Override
    public Optional<RolloutRecord> get(AppEnv id) {
        return db.transaction("read the rollout of " + id, tx -> select(tx, id, ""));
    }

    @Override
    public void mayAct(AppEnv id) {
        db.transaction("check the lease of " + id, tx -> {
            requireLease(tx, id, "");
            return null;
        });
    }

    /** Throws {@link LeaseLost} unless this replica holds the unexpired lease of {@code id}. */
    private void requireLease(Database.Tx tx, AppEnv id, String lock) throws SQLException {
        Optional<Leases.Lease> lease = tx.first(PostgresLeases.LIVE_HOLDER + lock,
                row -> PostgresLeases.lease(id, row), id.toString());
        if (lease.isEmpty() || !lease.get().owner().equals(replica)) {
            throw new LeaseLost(id, replica, lease);
        }
    }

    @Override
    public RolloutRecord save(RolloutRecord record) {
        AppEnv id = record.id();
        return db.transaction("save the rollout of " + id, tx -> {
            requireLease(tx, id, " FOR SHARE");
            Optional<RolloutRecord> before = select(tx, id, " FOR UPDATE");
            RolloutRecord saved = before.isPresent() && before.get().abort() && !record.abort()
                    && before.get().started().equals(record.started()) ? record.aborting() : record;
            tx.update("INSERT INTO trueup_rollouts (app_env, record, saved_by) VALUES (?, CAST(? AS jsonb), ?)"
                    + " ON CONFLICT (app_env) DO UPDATE SET record = excluded.record, saved = clock_timestamp(),"
                    + " saved_by = excluded.saved_by", id.toString(), RecordJson.write(saved), replica);
            return saved;
        });
    }

    @Override
    public boolean abort(AppEnv id) {
        return db.transaction("abort the rollout of " + id, tx -> {
            Optional<RolloutRecord> running = select(tx, id, " FOR UPDATE");
            if (running.isEmpty()) {
                return false;
            }
            tx.update("UPDATE trueup_rollouts SET record = CAST(? AS jsonb) WHERE app_env = ?",
                    RecordJson.write(running.get().aborting()), id.toString());
            return true;
        });
    }

    /**
     * Forgets the rollout of {@code id}, unless another replica holds its lease (this one's ran out
     * and it was taken over): then the rollout is that replica's to end, and this throws
     * {@link LeaseLost}, removing nothing.
     */
    @Override
    public void remove(AppEnv id) {
        db.transaction("remove the rollout of " + id, tx -> {
            Optional<Leases.Lease> lease = tx.first(PostgresLeases.LIVE_HOLDER + " FOR SHARE",
                    row -> PostgresLeases.lease(id, row), id.toString());
            if (lease.isPresent() && !lease.get().owner().equals(replica)) {
                throw new LeaseLost(id, replica, lease);
            }
            return tx.update("DELETE FROM trueup_rollouts WHERE app_env = ?", id.toString());
        });
    }

    @Override
    public void retain(Set<AppEnv> present) {
        db.transaction("forget the rollouts of app/environments removed from desired state", tx -> tx.update(
                "DELETE FROM trueup_rollouts WHERE NOT (app_env = ANY (?))", tx.texts(Keys.of(present))));
    }

    /** The record of {@code id}, if there is one it can read; one it cannot read is logged and deleted. */
    private static Optional<RolloutRecord> select(Database.Tx tx, AppEnv id, String lock) throws SQLException {
        Optional<String> row = tx.first("SELECT record FROM trueup_rollouts WHERE app_env = ?" + lock,
                r -> r.getString(1), id.toString());
        if (row.isEmpty()) {
            return Optional.empty();
        }
        String json = row.get();
        try {
            RolloutRecord record = RecordJson.read(json);
            if (record.id().equals(id)) {
                return Optional.of(record);
            }
            throw new IOException("it is the record of " + record.id());
        } catch (IOException | RuntimeException e) {
            LOG.errorf("cannot read the rollout record of %s in trueup_rollouts (%s): deleted; %s is planned afresh"
                    + " from its hosts", id, e.getMessage(), id);
            tx.update("DELETE FROM trueup_rollouts WHERE app_env = ? AND record = CAST(? AS jsonb)", id.toString(),
                    json);
            return Optional.empty();
        }
    }
}
