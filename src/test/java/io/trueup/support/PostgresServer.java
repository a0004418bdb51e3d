package io.trueup.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL server for the tests: Debian's server binaries (the newest of
 * {@code /usr/lib/postgresql/<version>/bin}), a cluster made by {@code initdb} in a fresh
 * temporary directory, listening on a free port of 127.0.0.1 (and a unix socket in that
 * directory), with a database {@code trueup} owned by a user {@code trueup} who logs in over TCP
 * with a password. When the tests run as root, the server runs as the {@code postgres} user (it
 * refuses root). Durability is off (fsync, synchronous commit): nothing here outlives the test.
 * {@link #stop} and {@link #start} take the server down and up again on the same data and port,
 * for the tests of an outage; {@link #close} stops it and removes everything.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String DATABASE = "trueup";
    public static final String USER = "trueup";

    private static final Path VERSIONS = Path.of("/usr/lib/postgresql");
    private static final long READY_SECONDS = 30;

    private final Path bin;
    private final Path dir;
    private final int port;
    private final String password = HexFormat.of().formatHex(randomBytes(12));
    private final List<String> asServerUser;
    private final Thread stopAtExit = new Thread(this::kill, "stop-postgres");
    private Process server;

    private PostgresServer(Path bin, Path dir, int port, List<String> asServerUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asServerUser = asServerUser;
    }

    /**
     * Makes a cluster in a new temporary directory and starts it, with the {@code trueup} database
     * and user.
     *
     * @throws IllegalStateException when PostgreSQL's server is not installed, or does not start
     */
    /** A server {@link #started()}, with trueup's schema made in its database as Flyway makes it at start. */
    public static PostgresServer migrated() throws IOException {
        PostgresServer server = started();
        io.trueup.store.PostgresState.migrate(server.dataSource());
        return server;
    }

    public static PostgresServer started() throws IOException {
        Path bin = binaries();
        boolean root = ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        Path dir = Files.createTempDirectory("trueup-pg-");
        PostgresServer pg = new PostgresServer(bin, dir, freePort(),
                root ? List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--") : List.of());
        try {
            Files.createDirectories(pg.sockets());
            if (root) {
                run(List.of("chown", "-R", "postgres:", dir.toString()));
            }
            run(pg.asServer(bin.resolve("initdb"), "-D", pg.data().toString(), "-U", "postgres", "-E", "UTF8",
                    "--locale=C", "--no-sync", "--auth-local=trust", "--auth-host=scram-sha-256"));
            Runtime.getRuntime().addShutdownHook(pg.stopAtExit);
            pg.startServer();
            run(pg.asServer(bin.resolve("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", pg.sockets().toString(),
                    "-p", String.valueOf(pg.port), "-U", "postgres", "-d", "postgres",
                    "-c", "CREATE ROLE " + USER + " LOGIN PASSWORD '" + pg.password + "'",
                    "-c", "CREATE DATABASE " + DATABASE + " OWNER " + USER));
            return pg;
        } catch (IOException | RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    /** The newest version's server binaries. */
    private static Path binaries() throws IOException {
        List<Path> versions;
        try (Stream<Path> listed = Files.isDirectory(VERSIONS) ? Files.list(VERSIONS) : Stream.empty()) {
            versions = listed.filter(v -> v.getFileName().toString().matches("\\d+"))
                    .filter(v -> Files.isExecutable(v.resolve("bin/postgres")) && Files.isExecutable(v.resolve("bin/initdb")))
                    .sorted(Comparator.comparingInt(v -> -Integer.parseInt(v.getFileName().toString()))).toList();
        }
        if (versions.isEmpty()) {
            throw new IllegalStateException("the store's tests start a PostgreSQL server, and there is none in "
                    + VERSIONS + "/<version>/bin: apt-get install postgresql");
        }
        return versions.get(0).resolve("bin");
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static int freePort() throws IOException {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    /** A data source of the {@code trueup} database over TCP, each connection a new one (no pool). */
    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"127.0.0.1"});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(DATABASE);
        ds.setUser(USER);
        ds.setPassword(password);
        ds.setConnectTimeout(5);
        ds.setSocketTimeout(30);
        return ds;
    }

    /** Starts the server again on the same data and port, after {@link #stop}; waits until it accepts. */
    public synchronized void start() {
        if (server == null || !server.isAlive()) {
            startServer();
        }
    }

    /**
     * Stops the server as an operator would (a fast shutdown: clients are cut off), and waits
     * until it has exited.
     */
    public synchronized void stop() {
        if (server == null || !server.isAlive()) {
            return;
        }
        try {
            run(List.of("kill", "-INT", String.valueOf(server.pid())));
            if (!server.waitFor(READY_SECONDS, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(READY_SECONDS, TimeUnit.SECONDS);
                throw new IllegalStateException("PostgreSQL did not stop within " + READY_SECONDS + " s: " + logTail());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the server and removes its directory. */
    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopAtExit);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // shutting down already, or never added
            }
            delete(dir);
        }
    }

    private void startServer() {
        try {
            List<String> command = asServer(bin.resolve("postgres"), "-D", data().toString(), "-p",
                    String.valueOf(port), "-k", sockets().toString(), "-c", "listen_addresses=127.0.0.1",
                    "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                    "-c", "shared_buffers=16MB", "-c", "max_connections=50");
            server = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
            awaitReady();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits, at most {@link #READY_SECONDS}, until the server accepts connections. */
    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS);
        for (int attempt = 0; attempt < 10 * READY_SECONDS && System.nanoTime() < deadline; attempt++) {
            if (!server.isAlive()) {
                throw new IllegalStateException("PostgreSQL exited with " + server.exitValue() + ": " + logTail());
            }
            Process ready = new ProcessBuilder(bin.resolve("pg_isready").toString(), "-q", "-h", "127.0.0.1", "-p",
                    String.valueOf(port), "-t", "1").redirectErrorStream(true).start();
            try {
                if (ready.waitFor(5, TimeUnit.SECONDS) && ready.exitValue() == 0) {
                    return;
                }
                ready.destroyForcibly();
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("PostgreSQL did not accept connections within " + READY_SECONDS + " s: "
                + logTail());
    }

    /** At exit of the JVM: the server must not outlive the tests. */
    private void kill() {
        Process running = server;
        if (running != null && running.isAlive()) {
            try {
                run(List.of("kill", "-INT", String.valueOf(running.pid())));
                running.waitFor(10, TimeUnit.SECONDS);
            } catch (IOException | RuntimeException e) {
                running.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private List<String> asServer(Path program, String... args) {
        List<String> command = new ArrayList<>(asServerUser);
        command.add(program.toString());
        command.addAll(List.of(args));
        return command;
    }

    /** Runs {@code command}, waiting at most 60 s; its output is in the error when it fails. */
    private static void run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not end within 60 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with " + process.exitValue() + ": "
                        + new String(output, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.exists(log()) ? Files.readAllLines(log()) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private Path data() {
        return dir.resolve("data");
    }

    private Path sockets() {
        return dir.resolve("sockets");
    }

    private Path log() {
        return dir.resolve("postgres.log");
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }

    /** For the tests' own statements: the first column of the first row {@code sql} returns. */
    public Optional<String> queryOne(String sql, Object... values) {
        try (var connection = dataSource().getConnection(); var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            if (!statement.execute()) {
                return Optional.empty();
            }
            try (var rows = statement.getResultSet()) {
                return rows.next() ? Optional.ofNullable(rows.getString(1)) : Optional.empty();
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
