package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.git.WorkingRepo;
import io.trueup.host.HostCommands;
import io.trueup.ssh.CommandResult;
import io.trueup.ssh.RemoteCommand;
import io.trueup.ssh.RemoteShell;
import io.trueup.ssh.SshTarget;
import io.trueup.ssh.StdoutListener;
import io.trueup.status.StatusBoard;
import io.trueup.support.Fleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two controllers that disagree on what the hosts should run, reconciling the same hosts at
 * once: the host lock keeps a deploy's commands together, from its first to its last.
 */
@Timeout(300)
class TwoControllersIntegrationTest {

    private static final String OWNER = "TRUEUP_LOCK_OWNER";

    @TempDir
    Path dir;

    Fleet fleet;
    final List<Sent> log = new CopyOnWriteArrayList<>();

    @BeforeEach
    void deployed() throws Exception {
        fleet = new Fleet(dir, 2, Map.of());
        fleet.deploy(fleet.app.head(), "");
        fleet.reconciler.runOnce();
    }

    @AfterEach
    void close() {
        fleet.close();
    }

    /**
     * One command as a controller sent it: the lock owner it named (null: it takes no lock),
     * whether it asked to keep the lock after it, when it was sent and when its answer came (ns),
     * and its exit code (-1: no answer).
     */
    record Sent(String controller, String host, String owner, boolean holds, String name, long start, long end,
            int exit) {
        /** Whether it ran holding the lock: it named an owner and was not turned away as locked. */
        boolean locked() {
            return owner != null && exit != HostCommands.LOCKED;
        }

        @Override
        public String toString() {
            return controller + " " + host + " " + name + (owner == null ? "" : holds ? " [lock, kept]" : " [lock]")
                    + " " + start / 1_000_000 + "-" + end / 1_000_000 + "ms exit " + exit;
        }
    }

    /** The fleet's shell, with every command {@code controller} sends logged. */
    private RemoteShell logging(String controller) {
        return new RemoteShell() {
            @Override
            public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout) {
                return logged(target, command, () -> fleet.shell.run(target, command, timeout));
            }

            @Override
            public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout,
                    StdoutListener listener) {
                return logged(target, command, () -> fleet.shell.run(target, command, timeout, listener));
            }

            private CommandResult logged(SshTarget target, RemoteCommand command, Supplier<CommandResult> run) {
                long start = System.nanoTime();
                int exit = -1;
                try {
                    CommandResult result = run.get();
                    exit = result.exitCode();
                    return result;
                } finally {
                    log.add(new Sent(controller, target.host() + ":" + target.port(), command.env().get(OWNER),
                            "1".equals(command.env().get("TRUEUP_LOCK_HOLD")), command.name(), start, System.nanoTime(),
                            exit));
                }
            }

            @Override
            public Process start(SshTarget target, String commandLine) {
                return fleet.shell.start(target, commandLine);
            }
        };
    }

    /** From a deploy's first command that got the lock to the end of the one that freed it. */
    record Span(String host, String owner, long start, long end) {
        boolean overlaps(Span other) {
            return start <= other.end && other.start <= end;
        }
    }

    /** Each owner's time holding each host's lock, as its commands say: one span per deploy. */
    private static List<Span> spans(List<Sent> sent) {
        List<Span> spans = new ArrayList<>();
        Map<String, List<Sent>> byHostAndOwner = sent.stream().filter(Sent::locked)
                .sorted(Comparator.comparingLong(Sent::start))
                .collect(Collectors.groupingBy(s -> s.host() + " " + s.owner(), TreeMap::new, Collectors.toList()));
        for (List<Sent> commands : byHostAndOwner.values()) {
            Long open = null;
            for (Sent command : commands) {
                open = open == null ? command.start() : open;
                if (!command.holds() && command.exit() >= 0) {
                    spans.add(new Span(command.host(), command.owner(), open, command.end()));
                    open = null;
                }
            }
            if (open != null) { // still held: the rest of the test
                spans.add(new Span(commands.get(0).host(), commands.get(0).owner(), open, Long.MAX_VALUE));
            }
        }
        return spans;
    }

    /** A controller turned away by the lock on a host, which later ran commands there holding it. */
    private List<Sent> lockedOutThenRetried() {
        List<Sent> sent = List.copyOf(log);
        return sent.stream().filter(s -> s.exit() == HostCommands.LOCKED)
                .filter(refused -> sent.stream().anyMatch(s -> s.locked() && s.owner().equals(refused.owner())
                        && s.host().equals(refused.host()) && s.start() > refused.end()))
                .toList();
    }

    @Test
    void twoControllersWithDifferentDesiredStatesNeverInterleaveTheirCommandsOnAHost() throws Exception {
        String a = fleet.commitApp("README", "a\n");
        String b = fleet.commitApp("README", "b\n");
        String slowRestart = "\"$HOME/restarts\"; sleep 1\n";
        fleet.writeEnv(fleet.envYaml(a, fleet.requirementsHash().toString(), "")
                .replace("\"$HOME/restarts\"\n", slowRestart));
        WorkingRepo other = WorkingRepo.open(Files.createDirectories(dir.resolve("desired-state-two")));
        Files.createDirectories(other.dir().resolve("apps/hello"));
        Files.writeString(other.dir().resolve("apps/hello/test.yaml"),
                fleet.envYaml(b, fleet.requirementsHash().toString(), "").replace("\"$HOME/restarts\"\n", slowRestart));
        other.commitAll("desired state of the other controller");

        fleet.startController(logging("one"), "state");
        Reconciler one = fleet.reconciler;
        StatusBoard oneBoard = fleet.board;
        fleet.startController(logging("two"), "state-two", other);
        Reconciler two = fleet.reconciler;
        StatusBoard twoBoard = fleet.board;

        Set<String> saidLocked = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> loops = new ArrayList<>();
        Map<String, Reconciler> controllers = Map.of("one", one, "two", two);
        Map<String, StatusBoard> boards = Map.of("one", oneBoard, "two", twoBoard);
        for (String name : controllers.keySet()) {
            loops.add(Thread.ofPlatform().name("controller-" + name).start(() -> {
                try {
                    go.await();
                    while (!stop.get()) {
                        controllers.get(name).runOnce();
                        boards.get(name).app(Fleet.ID).filter(s -> s.toString().contains("Locked by "))
                                .ifPresent(s -> saidLocked.add(name));
                        Thread.sleep(200);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        go.countDown();
        boolean contended = Fleet.within(Duration.ofSeconds(150), () -> lockedOutThenRetried().stream()
                .anyMatch(s -> saidLocked.contains(s.controller())));
        stop.set(true);
        for (Thread loop : loops) {
            assertTrue(loop.join(Duration.ofSeconds(90)), loop.getName() + " did not stop");
        }

        List<Sent> sent = List.copyOf(log);
        String all = sent.stream().sorted(Comparator.comparingLong(Sent::start)).map(Sent::toString)
                .collect(Collectors.joining("\n"));
        assertTrue(contended, "no controller was turned away by the lock and then retried, or said so ("
                + saidLocked + "):\n" + all);
        List<Span> spans = spans(sent);
        assertEquals(2, spans.stream().map(Span::owner).distinct().count(), "both controllers deployed:\n" + all);
        for (Span span : spans) {
            for (Span otherSpan : spans) {
                if (span.host().equals(otherSpan.host()) && !span.owner().equals(otherSpan.owner())) {
                    assertFalse(span.overlaps(otherSpan), span + " and " + otherSpan + " interleave:\n" + all);
                }
            }
        }
    }
}
