package io.trueup.store;

import io.trueup.desired.AppEnv;
import io.trueup.reconcile.PendingUndeploys;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * The hosts pending undeploy in {@code trueup_undeploys}, one row per app/environment and host
 * holding the entry as {@link PendingUndeploys.Stored} JSON. Each entry is checked again when read:
 * one that fails the desired-state rules is deleted with a warning, never undeployed. A change
 * locks its row. Thread-safe.
 */
final class PostgresPendingUndeploys implements PendingUndeploys {

    private static final Logger LOG = Logger.getLogger(PostgresPendingUndeploys.class);

    private static final String SELECT = "SELECT app_env, host, entry FROM trueup_undeploys";

    private final Database db;

    PostgresPendingUndeploys(Database db) {
        this.db = db;
    }

    /** A row as read: its key columns and its entry, not checked yet. */
    private record Row(String appEnv, String host, String json) {
    }

    @Override
    public List<Pending> all() {
        return db.transaction("read the hosts pending undeploy",
                tx -> checked(tx, tx.query(SELECT, PostgresPendingUndeploys::row)));
    }

    @Override
    public List<Pending> of(AppEnv id) {
        return db.transaction("read the hosts of " + id + " pending undeploy",
                tx -> checked(tx, tx.query(SELECT + " WHERE app_env = ?", PostgresPendingUndeploys::row,
                        id.toString())));
    }

    @Override
    public Optional<Pending> get(Key key) {
        return db.transaction("read the undeploy of " + key.host() + " from " + key.id(),
                tx -> checked(tx, tx.query(SELECT + " WHERE app_env = ? AND host = ?", PostgresPendingUndeploys::row,
                        key.id().toString(), key.host().toString()))).stream().findFirst();
    }

    @Override
    public void add(Pending p) {
        db.transaction("keep the undeploy of " + p.removal().host() + " from " + p.removal().id(), tx -> tx.update(
                "INSERT INTO trueup_undeploys (app_env, host, entry) VALUES (?, ?, CAST(? AS jsonb))"
                        + " ON CONFLICT (app_env, host) DO NOTHING",
                p.key().id().toString(), p.key().host().toString(), Json.write(Stored.of(p))));
    }

    @Override
    public void update(Key key, UnaryOperator<Pending> change) {
        db.transaction("change the undeploy of " + key.host() + " from " + key.id(), tx -> {
            Optional<Pending> before = checked(tx, tx.query(SELECT + " WHERE app_env = ? AND host = ? FOR UPDATE",
                    PostgresPendingUndeploys::row, key.id().toString(), key.host().toString())).stream().findFirst();
            if (before.isEmpty()) {
                return false;
            }
            Pending after = change.apply(before.get());
            if (!after.key().equals(key)) {
                throw new IllegalArgumentException("a change of the undeploy of " + key + " changed its host: " + after.key());
            }
            return !after.equals(before.get()) && tx.update(
                    "UPDATE trueup_undeploys SET entry = CAST(? AS jsonb) WHERE app_env = ? AND host = ?",
                    Json.write(Stored.of(after)), key.id().toString(), key.host().toString()) > 0;
        });
    }

    @Override
    public boolean remove(Key key) {
        return db.transaction("forget the undeploy of " + key.host() + " from " + key.id(), tx -> tx.update(
                "DELETE FROM trueup_undeploys WHERE app_env = ? AND host = ?", key.id().toString(),
                key.host().toString()) > 0);
    }

    private static Row row(java.sql.ResultSet row) throws SQLException {
        return new Row(row.getString(1), row.getString(2), row.getString(3));
    }

    /** The entries of {@code rows} that pass the desired-state rules, in key order; the others deleted. */
    private static List<Pending> checked(Database.Tx tx, List<Row> rows) throws SQLException {
        List<Pending> read = new ArrayList<>();
        for (Row row : rows) {
            try {
                Pending p = Json.read(row.json(), Stored.class).pending();
                if (!p.removal().id().toString().equals(row.appEnv()) || !p.removal().host().toString().equals(row.host())) {
                    throw new IllegalArgumentException("its entry is of " + p.removal().host() + " in " + p.removal().id());
                }
                read.add(p);
            } catch (IOException | IllegalArgumentException | NullPointerException e) {
                LOG.warnf("trueup_undeploys: pending undeploy of %s on %s dropped, not undeployed: %s", row.appEnv(),
                        row.host(), e.getMessage());
                tx.update("DELETE FROM trueup_undeploys WHERE app_env = ? AND host = ? AND entry = CAST(? AS jsonb)",
                        row.appEnv(), row.host(), row.json());
            }
        }
        read.sort(Comparator.comparing(Pending::key));
        return read;
    }
}
