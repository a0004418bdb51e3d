package io.trueup.store;

import io.trueup.desired.AppEnv;
import io.trueup.status.AppStatus;
import io.trueup.status.DesiredStateStatus;
import io.trueup.status.StatusStore;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * Statuses in {@code trueup_app_status} (one row per app/environment, its {@link AppStatus} as
 * JSON) and {@code trueup_desired_status} (one row), so that every replica serves the status
 * whichever replica wrote it. A change locks the row it changes. The desired state's status is
 * {@code initial} until one is stored, and again whenever the stored one is of another repository
 * or branch than this replica's (the configuration changed): a status of another repository is
 * never served nor built upon. A status that cannot be read is left out, with a warning; the next
 * reconcile of its app/environment writes it again. Thread-safe.
 */
final class PostgresStatusStore implements StatusStore {

    private static final Logger LOG = Logger.getLogger(PostgresStatusStore.class);

    private final Database db;
    private final DesiredStateStatus initial;

    PostgresStatusStore(Database db, DesiredStateStatus initial) {
        this.db = db;
        this.initial = initial;
    }

    @Override
    public DesiredStateStatus desired() {
        return db.transaction("read the status of desired state", tx -> ours(tx.first(
                "SELECT status FROM trueup_desired_status", row -> row.getString(1))));
    }

    @Override
    public void updateDesired(UnaryOperator<DesiredStateStatus> change) {
        db.transaction("write the status of desired state", tx -> {
            // A row to lock, first: two replicas writing the first status then take turns.
            tx.update("INSERT INTO trueup_desired_status (status) VALUES (CAST(? AS jsonb)) ON CONFLICT DO NOTHING",
                    Json.write(initial));
            DesiredStateStatus before = ours(tx.first("SELECT status FROM trueup_desired_status FOR UPDATE",
                    row -> row.getString(1)));
            return tx.update("UPDATE trueup_desired_status SET status = CAST(? AS jsonb)",
                    Json.write(change.apply(before)));
        });
    }

    /** The stored status, if it is of this replica's repository and branch; else the initial one. */
    private DesiredStateStatus ours(Optional<String> json) {
        return json.flatMap(j -> readable(j, DesiredStateStatus.class, "desired state"))
                .filter(d -> d.url().equals(initial.url()) && d.branch().equals(initial.branch()))
                .orElse(initial);
    }

    @Override
    public List<AppStatus> apps() {
        List<String> rows = db.transaction("read the statuses", tx -> tx.query(
                "SELECT status FROM trueup_app_status ORDER BY app_env", row -> row.getString(1)));
        return rows.stream().flatMap(json -> readable(json, AppStatus.class, "an app/environment").stream()).toList();
    }

    @Override
    public Optional<AppStatus> app(AppEnv id) {
        return db.transaction("read the status of " + id, tx -> select(tx, id, ""));
    }

    @Override
    public void put(AppStatus status) {
        db.transaction("write the status of " + status.id(), tx -> tx.update(
                "INSERT INTO trueup_app_status (app_env, status) VALUES (?, CAST(? AS jsonb))"
                        + " ON CONFLICT (app_env) DO UPDATE SET status = excluded.status",
                status.id().toString(), Json.write(status)));
    }

    @Override
    public void update(AppEnv id, UnaryOperator<AppStatus> change) {
        db.transaction("write the status of " + id, tx -> {
            Optional<AppStatus> before = select(tx, id, " FOR UPDATE");
            if (before.isEmpty()) {
                return 0;
            }
            AppStatus after = change.apply(before.get());
            if (!after.id().equals(id)) {
                throw new IllegalArgumentException("a change of the status of " + id + " made one of " + after.id());
            }
            return tx.update("UPDATE trueup_app_status SET status = CAST(? AS jsonb) WHERE app_env = ?",
                    Json.write(after), id.toString());
        });
    }

    @Override
    public void forget(AppEnv id) {
        db.transaction("forget the status of " + id,
                tx -> tx.update("DELETE FROM trueup_app_status WHERE app_env = ?", id.toString()));
    }

    @Override
    public void retain(Set<AppEnv> keep) {
        db.transaction("forget the statuses of app/environments removed from desired state", tx -> tx.update(
                "DELETE FROM trueup_app_status WHERE NOT (app_env = ANY (?))", tx.texts(Keys.of(keep))));
    }

    private static Optional<AppStatus> select(Database.Tx tx, AppEnv id, String lock) throws SQLException {
        return tx.first("SELECT status FROM trueup_app_status WHERE app_env = ?" + lock, row -> row.getString(1),
                id.toString()).flatMap(json -> readable(json, AppStatus.class, id.toString()));
    }

    private static <T> Optional<T> readable(String json, Class<T> type, String of) {
        try {
            return Optional.of(Json.read(json, type));
        } catch (IOException e) {
            LOG.warnf("the status of %s cannot be read, left out: %s", of, e.getMessage());
            return Optional.empty();
        }
    }
}
