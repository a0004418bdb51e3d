package io.trueup.support;

import io.trueup.cluster.ControllerId;
import io.trueup.cluster.QuartzReplicas;
import io.trueup.config.Wiring;
import io.trueup.desired.Policy;
import io.trueup.git.AppMirrors;
import io.trueup.git.GitDesiredStateSource;
import io.trueup.git.GitSsh;
import io.trueup.reconcile.ReconcileObserver;
import io.trueup.reconcile.Reconciler;
import io.trueup.render.SecretsDir;
import io.trueup.rollout.HostLock;
import io.trueup.ssh.MinaRemoteShell;
import io.trueup.status.StatusBoard;
import io.trueup.store.PostgresState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One trueup replica as a process of its own, for tests that kill it: the controller of a
 * {@link Fleet} in the directory given first, with its own state directory (the second argument,
 * a name under it: its mirrors and desired-state clone), its state in the PostgreSQL database of
 * the JDBC URL, user and password that follow, named as the last argument says, and reconciles
 * through the replicas' clustered Quartz, wired as the service wires it. Fetches desired state
 * every second, as a poll would; runs until killed (at most ten minutes).
 */
public final class ReplicaProcess {

    /** The replicas' settings in these tests: short, so that failover is quick. */
    public static final Duration POLL = Duration.ofSeconds(1);
    public static final Duration CHECKIN = Duration.ofSeconds(1);
    public static final Duration LEASE = Duration.ofSeconds(4);

    /** trueup's log, and Quartz's warnings, on the process's output, for the test's failure message. */
    private static final String LOGGING = """
            logger.level=INFO
            logger.handlers=CONSOLE
            loggers=org.quartz,org.apache.sshd
            logger.org.quartz.level=WARN
            logger.org.apache.sshd.level=WARN
            handler.CONSOLE=org.jboss.logmanager.handlers.ConsoleHandler
            handler.CONSOLE.formatter=PATTERN
            handler.CONSOLE.properties=autoFlush,target
            handler.CONSOLE.autoFlush=true
            handler.CONSOLE.target=SYSTEM_OUT
            formatter.PATTERN=org.jboss.logmanager.formatters.PatternFormatter
            formatter.PATTERN.properties=pattern
            formatter.PATTERN.pattern=%d{HH:mm:ss,SSS} %-5p [%c{1}] %s%e%n
            """;

    private ReplicaProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args[0]);
        Path state = dir.resolve(args[1]);
        PGSimpleDataSource database = new PGSimpleDataSource();
        database.setUrl(args[2]);
        database.setUser(args[3]);
        database.setPassword(args[4]);
        database.setConnectTimeout(5);
        database.setSocketTimeout(30);
        String replica = args[5];
        Path identity = dir.resolve("id_ecdsa");
        Path knownHosts = dir.resolve("known_hosts");
        MinaRemoteShell shell = new MinaRemoteShell(identity, knownHosts, Duration.ofSeconds(10));
        GitSsh gitSsh = new GitSsh(Optional.of(identity), Optional.of(knownHosts), state);
        AppMirrors mirrors = new AppMirrors(state.resolve("mirrors"), gitSsh, Clock.systemUTC());
        Path desired = dir.resolve("desired-state");
        GitDesiredStateSource source = new GitDesiredStateSource(desired.toString(), "main", Optional.empty(),
                state.resolve("desired.git"), gitSsh);
        PostgresState postgres = PostgresState.of(database, replica,
                StatusBoard.initial(Optional.of(desired.toString()), "main"));
        HostLock lock = HostLock.run(ControllerId.shared(database, HostLock.fresh()), Duration.ofMinutes(30));
        Reconciler reconciler = Wiring.reconciler(Optional.of(source), shell, mirrors,
                new SecretsDir(Optional.of(dir.resolve("secrets"))), new StatusBoard(postgres.statuses()),
                postgres.state(), Clock.systemUTC(), new Wiring.Limits(4, Duration.ofMinutes(2),
                        Duration.ofSeconds(30), "deploy", lock, 10, LEASE),
                ReconcileObserver.NONE, new Wiring.Undeploying(false), Policy.OPEN);
        QuartzReplicas replicas = QuartzReplicas.create(database, new QuartzReplicas.Settings(replica, POLL,
                CHECKIN, 4));
        reconciler.distribute(replicas);
        replicas.start(reconciler::reconcileHere);
        System.out.println("replica " + replica + " started");
        long end = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < end) {
            try {
                reconciler.startOnce();
            } catch (RuntimeException e) {
                System.out.println("cycle failed: " + e);
            }
            Thread.sleep(POLL.toMillis());
        }
        replicas.close();
        System.exit(0);
    }

    /**
     * Starts {@link #main} in a new JVM, on this JVM's class path, for the fleet in {@code dir}, as
     * replica {@code name} of the database {@code postgres}; its output goes to {@code log}.
     */
    public static Process start(Path dir, String name, PostgresServer postgres, Path log) throws IOException {
        Path logging = log.resolveSibling(name + "-logging.properties");
        java.nio.file.Files.writeString(logging, LOGGING);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", ControllerProcess.classPath(),
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-Dlogging.configuration=" + logging.toUri(), ReplicaProcess.class.getName(),
                dir.toString(), "state-" + name, postgres.jdbcUrl(), postgres.user(), postgres.password(), name));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
