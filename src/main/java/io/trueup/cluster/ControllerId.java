package io.trueup.cluster;

import io.trueup.TrueupException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The id the replicas share in the hosts' locks: made by the first replica that starts, kept in
 * {@code trueup_cluster}. With one id, the replicas are runs of one controller: a replica takes
 * over at once a lock another replica left when that one's command on the host is gone (it was
 * killed), where a lock of another controller stands until {@code trueup.lock-ttl}.
 */
public final class ControllerId {

    private ControllerId() {
    }

    /**
     * The replicas' controller id: the one kept, or {@code fresh} kept now if none was.
     *
     * @throws TrueupException when the database cannot be read or written
     */
    public static String shared(DataSource dataSource, String fresh) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO trueup_cluster (controller_id) VALUES (?) ON CONFLICT DO NOTHING")) {
                insert.setString(1, fresh);
                insert.executeUpdate();
            }
            try (PreparedStatement select = c.prepareStatement("SELECT controller_id FROM trueup_cluster");
                    ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new TrueupException("trueup_cluster has no controller id after one was written");
                }
                return row.getString(1);
            }
        } catch (SQLException e) {
            throw new TrueupException("cannot read the replicas' controller id from the database: " + e.getMessage(), e);
        }
    }
}
