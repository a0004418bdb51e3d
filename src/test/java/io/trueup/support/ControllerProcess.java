package io.trueup.support;

import io.trueup.git.AppMirrors;
import io.trueup.git.GitDesiredStateSource;
import io.trueup.git.GitSsh;
import io.trueup.reconcile.ControllerState;
import io.trueup.reconcile.Reconciler;
import io.trueup.ssh.MinaRemoteShell;
import io.trueup.status.StatusBoard;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * trueup as a process of its own, for tests that kill it: the controller of a {@link Fleet} in
 * the directory given as first argument, keeping its state in the second (a directory name under
 * it), wired exactly as {@link Fleet#startController} wires it, with the fleet's SSH identity,
 * known hosts, desired-state repository and secrets. Runs one reconcile cycle, then exits.
 */
public final class ControllerProcess {

    private ControllerProcess() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        String state = args[1];
        Path identity = dir.resolve("id_ecdsa");
        Path knownHosts = dir.resolve("known_hosts");
        MinaRemoteShell shell = new MinaRemoteShell(identity, knownHosts, Duration.ofSeconds(10));
        GitSsh gitSsh = new GitSsh(Optional.of(identity), Optional.of(knownHosts), dir.resolve("state"));
        AppMirrors mirrors = new AppMirrors(dir.resolve("state/mirrors"), gitSsh, Clock.systemUTC());
        Path desired = dir.resolve("desired-state");
        GitDesiredStateSource source = new GitDesiredStateSource(desired.toString(), "main", Optional.empty(),
                dir.resolve("state/desired.git"), gitSsh);
        StatusBoard board = new StatusBoard(Optional.of(desired.toString()), "main");
        Reconciler reconciler = Fleet.controller(dir, state, source, shell, mirrors, board,
                ControllerState.at(dir.resolve(state)), false);
        reconciler.runOnce();
        System.out.println("reconciled: " + board.app(Fleet.ID));
        System.exit(0);
    }

    /**
     * Starts {@link #main} in a new JVM, on this JVM's class path, for the fleet in {@code dir}
     * and state {@code state}; its output goes to {@code log}.
     */
    public static Process start(Path dir, String state, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath(), "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                ControllerProcess.class.getName(), dir.toString(), state));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /**
     * This JVM's class path: under surefire, its {@code surefire.test.class.path} (the
     * {@code java.class.path} may be a jar whose manifest names the rest, which works too).
     */
    static String classPath() {
        String tests = System.getProperty("surefire.test.class.path");
        return tests != null && !tests.isBlank() ? tests : System.getProperty("java.class.path");
    }
}
