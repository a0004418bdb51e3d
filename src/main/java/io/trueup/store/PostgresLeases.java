package io.trueup.store;

import io.trueup.desired.AppEnv;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Leases in {@code trueup_leases}, one row per app/environment, their expiry by the database's
 * clock ({@code clock_timestamp()}), so that replicas whose clocks differ agree on it. Taking,
 * taking over (an expired lease) and renewing are one statement; a database error is a
 * {@link StoreException}, never a lease granted. Thread-safe.
 */
public final class PostgresLeases implements Leases {

    /** What a replica's name may be: it is shown in the status and the metrics' labels. */
    public static final Pattern REPLICA = Pattern.compile("[A-Za-z0-9._-]{1,63}");

    /** The lease of an app/environment as the row has it, if it has not expired. */
    static final String LIVE_HOLDER = "SELECT owner, expires FROM trueup_leases"
            + " WHERE app_env = ? AND expires > clock_timestamp()";

    private final Database db;
    private final String replica;

    PostgresLeases(Database db, String replica) {
        if (replica == null || !REPLICA.matcher(replica).matches()) {
            throw new IllegalArgumentException("not a replica name ([A-Za-z0-9._-], 1 to 63 characters): " + replica);
        }
        this.db = db;
        this.replica = replica;
    }

    @Override
    public boolean hold(AppEnv id, Duration ttl) {
        return db.transaction("take the lease of " + id, tx -> tx.update(
                "INSERT INTO trueup_leases AS l (app_env, owner, expires)"
                        + " VALUES (?, ?, clock_timestamp() + make_interval(secs => ?))"
                        + " ON CONFLICT (app_env) DO UPDATE SET owner = excluded.owner, expires = excluded.expires"
                        + " WHERE l.owner = excluded.owner OR l.expires <= clock_timestamp()",
                id.toString(), replica, seconds(ttl)) == 1);
    }

    @Override
    public boolean renew(AppEnv id, Duration ttl) {
        return db.transaction("renew the lease of " + id, tx -> tx.update(
                "UPDATE trueup_leases SET expires = clock_timestamp() + make_interval(secs => ?)"
                        + " WHERE app_env = ? AND owner = ? AND expires > clock_timestamp()",
                seconds(ttl), id.toString(), replica) == 1);
    }

    /** {@code ttl} in seconds, for the database's interval. */
    private static double seconds(Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("a lease lasts some time: " + ttl);
        }
        return ttl.toMillis() / 1000.0;
    }

    @Override
    public void release(AppEnv id) {
        db.transaction("release the lease of " + id,
                tx -> tx.update("DELETE FROM trueup_leases WHERE app_env = ? AND owner = ?", id.toString(), replica));
    }

    @Override
    public Optional<Lease> holder(AppEnv id) {
        return db.transaction("read the lease of " + id, tx -> tx.first(LIVE_HOLDER, row -> lease(id, row),
                id.toString()));
    }

    @Override
    public String replica() {
        return replica;
    }

    static Lease lease(AppEnv id, ResultSet row) throws SQLException {
        return new Lease(id, row.getString(1), row.getObject(2, OffsetDateTime.class).toInstant());
    }
}
