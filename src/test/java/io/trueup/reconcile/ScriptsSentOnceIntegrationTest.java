package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.host.HostCommands;
import io.trueup.ssh.CommandResult;
import io.trueup.ssh.KeepingShell;
import io.trueup.ssh.RemoteCommand;
import io.trueup.ssh.RemoteShell;
import io.trueup.ssh.SshTarget;
import io.trueup.ssh.StdoutListener;
import io.trueup.support.Fleet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scripts of trueup's commands travel to a host once, with its first deploy, those of the
 * steps of later deploys too: deploys after the first send only the lines that call the copies the
 * hosts keep, and a restarted trueup sends them again once, finding them kept.
 */
@Timeout(240)
class ScriptsSentOnceIntegrationTest {

    /** More than the lines that call the scripts with a deploy's arguments; less than any step's script. */
    private static final int CALL_ONLY = 2_500;

    @TempDir
    Path dir;
    Fleet fleet;
    /** The command lines sent to the hosts, as MINA sent them. */
    final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void fleet() throws IOException {
        fleet = new Fleet(dir, 2, Map.of());
        restart();
    }

    @AfterEach
    void close() throws IOException {
        fleet.close();
    }

    @Test
    void eachScriptTravelsToAHostOnceAndARestartedTrueupFindsThemKept() throws Exception {
        fleet.deploy(fleet.app.head(), "");
        fleet.reconciler.runOnce();
        assertTrue(sent.stream().anyMatch(c -> c.line().contains("step_release()")), "the first deploy sends them");
        List<String> kept = kept(0);
        assertFalse(kept.isEmpty(), "the host keeps them");
        assertEquals(kept, kept(1));
        int afterFirst = sent.size();

        for (int i = 2; i <= 3; i++) {
            String sha = fleet.commitApp("NOTES", i + "\n");
            fleet.deploy(sha, "");
            fleet.reconciler.runOnce();
            fleet.reconciler.runOnce();
            assertEquals(sha, fleet.currentSha(0));
            assertEquals(sha, fleet.currentSha(1));
        }
        List<String> carrying = sent.subList(afterFirst, sent.size()).stream().filter(c -> !c.carries().isEmpty())
                .map(Sent::name).toList();
        assertEquals(List.of(), carrying, "the first deploy sent along the scripts of later steps (verify's...)");
        // A new host's first command (prepare) carries what it cannot keep yet: it makes the base
        // directory. From its second on, each script travels to it once.
        Map<SshTarget, List<String>> carried = new java.util.HashMap<>();
        List<Sent> afterPrepare = sent.stream().dropWhile(c -> !c.name().startsWith("prepare@")).toList();
        List<Sent> secondOn = new ArrayList<>(sent.subList(sent.indexOf(afterPrepare.get(0)) + 1, sent.size()));
        secondOn.removeIf(c -> c.name().startsWith("prepare@"));
        for (Sent command : secondOn) {
            List<String> parts = carried.computeIfAbsent(command.target(), t -> new ArrayList<>());
            for (String hash : command.carries()) {
                assertFalse(parts.contains(hash), "sent to " + command.target() + " twice, again with "
                        + command.name() + ": " + hash + "; all: " + sent.stream().map(Sent::name).toList());
                parts.add(hash);
            }
        }
        List<Sent> last = sent.subList(sent.size() - 4, sent.size());
        for (Sent command : last) {
            assertTrue(command.carries().isEmpty() && command.line().length() < CALL_ONLY,
                    "the third deploy sends only the calls: " + command.line().length() + " bytes");
        }

        // A restarted trueup knows nothing of them: it sends them once, and they are found kept.
        Map<String, FileTime> written = times(0);
        restart();
        sent.clear();
        String fourth = fleet.commitApp("NOTES", "4\n");
        fleet.deploy(fourth, "");
        fleet.reconciler.runOnce();
        fleet.reconciler.runOnce();
        assertEquals(fourth, fleet.currentSha(0));
        assertFalse(sent.get(0).carries().isEmpty(), "its first command carries them");
        assertTrue(sent.get(sent.size() - 1).carries().isEmpty(), "its last does not");
        Map<String, FileTime> after = times(0);
        after.keySet().retainAll(written.keySet());
        assertEquals(written, after, "found kept, not written again");
    }

    /** A command line sent to {@code target}. */
    record Sent(SshTarget target, String line) {
        /** The command's name, as {@code $0} says it. */
        String name() {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(" trueup-([a-z+]+) ").matcher(line);
            return (m.find() ? m.group(1) : "?") + "@" + target.port() + (carries().isEmpty() ? "" : "(carries)");
        }

        /** The hashes of the scripts the command carries to keep. */
        List<String> carries() {
            return java.util.regex.Pattern.compile("(?m)^trueup_keep ([0-9a-f]{16}) ").matcher(line).results()
                    .map(m -> m.group(1)).toList();
        }
    }

    private void restart() {
        fleet.startController(new KeepingShell(recording(fleet.shell)), "state");
    }

    private List<String> kept(int host) throws IOException {
        return List.copyOf(times(host).keySet());
    }

    private Map<String, FileTime> times(int host) throws IOException {
        Map<String, FileTime> times = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.list(fleet.base(host).resolve(HostCommands.SCRIPTS))) {
            for (Path file : files.toList()) {
                times.put(file.getFileName().toString(), Files.getLastModifiedTime(file));
            }
        }
        return times;
    }

    private RemoteShell recording(RemoteShell shell) {
        return new RemoteShell() {
            @Override
            public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout) {
                sent.add(new Sent(target, command.render()));
                return shell.run(target, command, timeout);
            }

            @Override
            public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout,
                    StdoutListener listener) {
                sent.add(new Sent(target, command.render()));
                return shell.run(target, command, timeout, listener);
            }

            @Override
            public Process start(SshTarget target, String commandLine) {
                return shell.start(target, commandLine);
            }
        };
    }
}
