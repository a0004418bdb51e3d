package io.trueup.store;

import io.trueup.TrueupException;
import io.trueup.desired.AppEnv;
import io.trueup.reconcile.ControlStore;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;

/**
 * Halts, pauses and applied specs in {@code trueup_control}, one row per app/environment that has
 * any of them (a row left with none is deleted). Every call reads or writes the row itself, so a
 * pause set through one replica is seen by the next read of every other. Thread-safe.
 */
final class PostgresControlStore implements ControlStore {

    private final Database db;

    PostgresControlStore(Database db) {
        this.db = db;
    }

    @Override
    public Optional<Halt> halt(AppEnv id) {
        Optional<String> json = db.transaction("read the halt of " + id, tx -> tx.first(
                "SELECT halt FROM trueup_control WHERE app_env = ? AND halt IS NOT NULL", row -> row.getString(1),
                id.toString()));
        return json.map(j -> {
            try {
                return Json.read(j, Halt.class);
            } catch (IOException e) {
                throw new TrueupException("cannot read the halt of " + id + " in trueup_control: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void halt(AppEnv id, Halt halt) {
        db.transaction("halt " + id, tx -> tx.update("INSERT INTO trueup_control (app_env, halt)"
                + " VALUES (?, CAST(? AS jsonb)) ON CONFLICT (app_env) DO UPDATE SET halt = excluded.halt",
                id.toString(), Json.write(halt)));
    }

    @Override
    public boolean clearHalt(AppEnv id) {
        return db.transaction("clear the halt of " + id, tx -> {
            boolean had = tx.update("UPDATE trueup_control SET halt = NULL WHERE app_env = ? AND halt IS NOT NULL",
                    id.toString()) > 0;
            deleteIfEmpty(tx, id);
            return had;
        });
    }

    @Override
    public boolean paused(AppEnv id) {
        return db.transaction("read the pause of " + id, tx -> tx.first(
                "SELECT paused FROM trueup_control WHERE app_env = ?", row -> row.getBoolean(1), id.toString()))
                .orElse(false);
    }

    @Override
    public void pause(AppEnv id, boolean pause) {
        db.transaction((pause ? "pause " : "resume ") + id, tx -> {
            if (pause) {
                return tx.update("INSERT INTO trueup_control (app_env, paused) VALUES (?, true)"
                        + " ON CONFLICT (app_env) DO UPDATE SET paused = true", id.toString());
            }
            int changed = tx.update("UPDATE trueup_control SET paused = false WHERE app_env = ?", id.toString());
            deleteIfEmpty(tx, id);
            return changed;
        });
    }

    @Override
    public Optional<String> applied(AppEnv id) {
        return db.transaction("read the spec applied to " + id, tx -> tx.first(
                "SELECT applied FROM trueup_control WHERE app_env = ? AND applied IS NOT NULL", row -> row.getString(1),
                id.toString()));
    }

    @Override
    public void applied(AppEnv id, String key) {
        db.transaction("keep the spec applied to " + id, tx -> tx.update("INSERT INTO trueup_control (app_env, applied)"
                + " VALUES (?, ?) ON CONFLICT (app_env) DO UPDATE SET applied = excluded.applied", id.toString(), key));
    }

    @Override
    public boolean retain(Set<AppEnv> present) {
        return db.transaction("forget the control of app/environments removed from desired state", tx -> tx.update(
                "DELETE FROM trueup_control WHERE NOT (app_env = ANY (?))", tx.texts(Keys.of(present))) > 0);
    }

    private static void deleteIfEmpty(Database.Tx tx, AppEnv id) throws SQLException {
        tx.update("DELETE FROM trueup_control WHERE app_env = ? AND halt IS NULL AND NOT paused AND applied IS NULL",
                id.toString());
    }
}
