package io.trueup.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * PostgreSQL through a {@link DataSource}: every call is one transaction (a read-modify-write
 * locks its rows with {@code SELECT ... FOR UPDATE} or is one statement), statements are prepared
 * with their values bound (never text joined into SQL), and every failure of the database is a
 * {@link StoreException} naming what was being read or written. Thread-safe when the data source
 * is (each call takes a connection of its own).
 */
final class Database {

    /** No statement waits longer than this for the database (a row lock, a slow disk). */
    static final int QUERY_TIMEOUT_SECONDS = 15;

    /** Work on one connection inside a transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Tx tx) throws SQLException;
    }

    /** A row read: its columns by position, from 1. */
    @FunctionalInterface
    interface Row<T> {
        T read(ResultSet row) throws SQLException;
    }

    private final DataSource dataSource;

    Database(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Runs {@code work} in one transaction, committed when it returns and rolled back when it
     * throws; a {@link RuntimeException} of {@code work} (such as {@link LeaseLost}) goes on as it is.
     *
     * @param what what is read or written, for the error: "save the rollout of hello/prod"
     * @throws StoreException when the database fails
     */
    <T> T transaction(String what, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(new Tx(connection));
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(connection, e);
                throw e;
            } finally {
                restore(connection);
            }
        } catch (SQLException e) {
            throw new StoreException("PostgreSQL: cannot " + what + ": " + e.getMessage(), e);
        }
    }

    private static void rollback(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** Gives the connection back to its pool as it was lent: in auto-commit. */
    private static void restore(Connection connection) {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            // A broken connection: the pool drops it.
        }
    }

    /** Statements within one transaction. */
    static final class Tx {

        private final Connection connection;

        private Tx(Connection connection) {
            this.connection = connection;
        }

        /** The rows {@code sql} selects, each read by {@code row}. */
        <T> List<T> query(String sql, Row<T> row, Object... values) throws SQLException {
            try (PreparedStatement statement = prepare(sql, values); ResultSet rows = statement.executeQuery()) {
                List<T> read = new ArrayList<>();
                while (rows.next()) {
                    read.add(row.read(rows));
                }
                return read;
            }
        }

        /** The first row {@code sql} selects, if any. */
        <T> Optional<T> first(String sql, Row<T> row, Object... values) throws SQLException {
            return query(sql, row, values).stream().findFirst();
        }

        /** Runs an INSERT, UPDATE or DELETE; how many rows it changed. */
        int update(String sql, Object... values) throws SQLException {
            try (PreparedStatement statement = prepare(sql, values)) {
                return statement.executeUpdate();
            }
        }

        /** A {@code text[]} value, for {@code = ANY(?)}. */
        java.sql.Array texts(Collection<String> values) throws SQLException {
            return connection.createArrayOf("text", values.toArray(String[]::new));
        }

        private PreparedStatement prepare(String sql, Object... values) throws SQLException {
            PreparedStatement statement = connection.prepareStatement(sql);
            try {
                statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                for (int i = 0; i < values.length; i++) {
                    statement.setObject(i + 1, values[i]);
                }
                return statement;
            } catch (SQLException e) {
                statement.close();
                throw e;
            }
        }
    }
}
