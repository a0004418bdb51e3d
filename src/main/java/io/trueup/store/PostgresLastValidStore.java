package io.trueup.store;

import io.trueup.desired.AppEnv;
import io.trueup.reconcile.LastValidStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The revision at which each app/environment was last valid, in {@code trueup_last_valid}: one
 * row per app/environment. An update forgets the app/environments no longer in desired state and
 * writes the revisions that changed, in one transaction. Thread-safe.
 */
final class PostgresLastValidStore implements LastValidStore {

    private final Database db;

    PostgresLastValidStore(Database db) {
        this.db = db;
    }

    @Override
    public Optional<String> revision(AppEnv id) {
        return db.transaction("read the last valid revision of " + id, tx -> tx.first(
                "SELECT revision FROM trueup_last_valid WHERE app_env = ?", row -> row.getString(1), id.toString()));
    }

    @Override
    public void update(Set<AppEnv> present, Map<AppEnv, String> valid) {
        List<AppEnv> kept = present.stream().filter(id -> valid.get(id) != null).toList();
        db.transaction("keep the last valid revisions", tx -> {
            tx.update("DELETE FROM trueup_last_valid WHERE NOT (app_env = ANY (?))", tx.texts(Keys.of(present)));
            return tx.update("INSERT INTO trueup_last_valid AS v (app_env, revision) SELECT * FROM unnest(?, ?)"
                    + " ON CONFLICT (app_env) DO UPDATE SET revision = excluded.revision"
                    + " WHERE v.revision <> excluded.revision", tx.texts(Keys.of(kept)),
                    tx.texts(kept.stream().map(valid::get).toList()));
        });
    }
}
