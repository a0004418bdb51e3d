package io.trueup.store;

import io.trueup.desired.AppEnv;
import io.trueup.reconcile.RolloutHistory;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The rollouts of each app/environment in {@code trueup_history}: a row appended per rollout,
 * served newest first; adding one deletes the rows of its app/environment older than the newest
 * {@link #RECENT}, so the table does not grow with time. The rows of app/environments removed
 * from desired state stay readable, as the file store's do. An entry that cannot be read is left
 * out, with a warning. Thread-safe.
 */
final class PostgresRolloutHistory implements RolloutHistory {

    private static final Logger LOG = Logger.getLogger(PostgresRolloutHistory.class);

    private final Database db;

    PostgresRolloutHistory(Database db) {
        this.db = db;
    }

    @Override
    public void add(AppEnv id, Entry entry) {
        db.transaction("add to the rollout history of " + id, tx -> {
            tx.update("INSERT INTO trueup_history (app_env, entry) VALUES (?, CAST(? AS jsonb))", id.toString(),
                    Json.write(entry));
            return tx.update("DELETE FROM trueup_history WHERE app_env = ? AND id <= (SELECT id FROM trueup_history"
                    + " WHERE app_env = ? ORDER BY id DESC OFFSET ? LIMIT 1)", id.toString(), id.toString(), RECENT);
        });
    }

    @Override
    public List<Entry> recent(AppEnv id) {
        List<String> rows = db.transaction("read the rollout history of " + id, tx -> tx.query(
                "SELECT entry FROM trueup_history WHERE app_env = ? ORDER BY id DESC LIMIT ?", row -> row.getString(1),
                id.toString(), RECENT));
        return rows.stream().flatMap(json -> readable(id, json).stream()).toList();
    }

    private static Optional<Entry> readable(AppEnv id, String json) {
        try {
            return Optional.of(Json.read(json, Entry.class));
        } catch (IOException e) {
            LOG.warnf("a rollout of %s in trueup_history cannot be read, left out: %s", id, e.getMessage());
            return Optional.empty();
        }
    }
}
