package io.trueup.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class MinaRemoteShellTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    SshFixture fixture;
    MinaRemoteShell shell;

    @BeforeEach
    void connect() {
        fixture = SshFixture.in(dir, Map.of("APP_ENV", "staging"));
        shell = fixture.shell();
    }

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    @Test
    void runsACommandAndCapturesExitCodeStdoutAndStderr() {
        List<String> args = List.of("two words", "it's \"quoted\"", "$(touch pwned) `touch pwned` $HOME",
                "line one\nline two", "", "-n", "*", "; exit 9", "\\'");
        RemoteCommand command = new RemoteCommand("echo-args", """
                printf '%s\\n' "$0"
                for arg in "$@"; do printf '[%s]\\n' "$arg"; done
                echo 'to stderr' >&2
                exit 3
                """, args);

        CommandResult result = shell.run(fixture.target(), command, TIMEOUT);

        StringBuilder expected = new StringBuilder("trueup-echo-args\n");
        args.forEach(arg -> expected.append('[').append(arg).append("]\n"));
        assertEquals(expected.toString(), result.stdout());
        assertEquals("to stderr\n", result.stderr());
        assertEquals(3, result.exitCode());
        assertFalse(Files.exists(fixture.host().root().resolve("pwned")), "an argument ran as code");
    }

    @Test
    void commandsRunInTheHostRootWithItsEnvironment() throws Exception {
        RemoteCommand command = RemoteCommand.of("env", "pwd; printf '%s\\n' \"$HOME\" \"$APP_ENV\" \"$USER\"");

        CommandResult result = shell.run(fixture.target(), command, TIMEOUT);

        Path root = fixture.host().root();
        assertEquals(List.of(root.toRealPath().toString(), root.toString(), "staging", SshFixture.USER),
                result.stdout().lines().toList());
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(Set.of(SshFixture.USER), fixture.host().usersSeen());
    }

    @Test
    void givesEachLineOfStdoutAsItArrives() throws Exception {
        Path go = dir.resolve("go");
        RemoteCommand command = RemoteCommand.of("waits", """
                echo ready
                i=0
                while [ ! -e "$1" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
                [ -e "$1" ] && echo after
                """, go.toString());
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();

        CommandResult result = shell.run(fixture.target(), command, TIMEOUT, line -> {
            lines.add(line);
            if (line.equals("ready")) {
                try {
                    Files.writeString(go, "");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return Optional.empty();
        });

        assertEquals(List.of("ready", "after"), lines, "the first line came while the command still ran");
        assertEquals("ready\nafter\n", result.stdout());
    }

    @Test
    void writesTheListenersAnswerToStdinOnceAndLeavesItOpen() {
        RemoteCommand asks = RemoteCommand.of("asks", """
                exec 3<&0
                echo 'go on?'
                read -r word
                echo "heard $word"
                echo 'and again?'
                ( read -r word && echo "heard again $word" ) <&3 & reader=$!
                sleep 1
                kill "$reader" 2>/dev/null && echo 'no second answer, stdin open'
                """);
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();

        CommandResult result = shell.run(fixture.target(), asks, TIMEOUT, line -> {
            heard.add(line);
            return line.endsWith("?") ? Optional.of("yes") : Optional.empty();
        });

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("go on?\nheard yes\nand again?\nno second answer, stdin open\n", result.stdout());
        assertEquals(result.stdout().lines().toList(), heard);
    }

    @Test
    void theTimeoutCountsAnewFromTheAnswer() {
        RemoteCommand twoHalves = RemoteCommand.of("halves",
                "sleep 2; echo 'go on?'; read -r word; sleep 2; echo done");

        CommandResult result = shell.run(fixture.target(), twoHalves, Duration.ofSeconds(3),
                line -> line.endsWith("?") ? Optional.of("yes") : Optional.empty());

        assertEquals("go on?\ndone\n", result.stdout(), "each half within the timeout, both together beyond it");
        CommandTimeoutException timeout = assertThrows(CommandTimeoutException.class,
                () -> shell.run(fixture.target(), twoHalves, Duration.ofSeconds(3), StdoutListener.NONE));
        assertTrue(timeout.getMessage().contains("did not finish within 3s;"), timeout.getMessage());
    }

    @Test
    void withoutAListenerStdinIsClosedFromTheStart() {
        RemoteCommand reads = RemoteCommand.of("reads", "read -r word || echo 'stdin closed'");

        assertEquals("stdin closed\n", shell.run(fixture.target(), reads, TIMEOUT).stdout());
    }

    @Test
    void timesOutALongCommandAndClosesIt() throws Exception {
        Path pidFile = dir.resolve("sleeper.pid");
        RemoteCommand sleeper = RemoteCommand.of("sleeper", "echo $$ > \"$1\"; sleep 30; echo woke", pidFile.toString());

        CommandTimeoutException timeout = assertThrows(CommandTimeoutException.class,
                () -> shell.run(fixture.target(), sleeper, Duration.ofMillis(1500)));

        assertTrue(timeout.getMessage().contains("sleeper"), timeout.getMessage());
        assertTrue(timeout.getMessage().contains("127.0.0.1:" + fixture.host().port()), timeout.getMessage());
        assertTrue(timeout.getMessage().contains("1.5s"), timeout.getMessage());
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        assertTrue(eventually(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)),
                "the remote command still runs after its channel was closed");
        assertEquals("ok\n", shell.run(fixture.target(), RemoteCommand.of("after", "echo ok"), TIMEOUT).stdout());
        assertEquals(1, shell.sessionsOpened());
    }

    @Test
    void keepsTheTailOfOutputBeyondTheCap() {
        int size = MinaRemoteShell.OUTPUT_CAP_BYTES + 1000;
        RemoteCommand flood = RemoteCommand.of("flood", "head -c \"$1\" /dev/zero | tr '\\0' x; echo END", "" + size);

        String stdout = shell.run(fixture.target(), flood, TIMEOUT).stdout();

        assertTrue(stdout.startsWith("[trueup: first 1004 bytes dropped]\n"), stdout.substring(0, 60));
        assertTrue(stdout.endsWith("xxxEND\n"), stdout.substring(stdout.length() - 20));
    }

    @Test
    void startRunsARawCommandAsAProcess() throws Exception {
        Process process = shell.start(fixture.target(), "tr a-z A-Z; echo done >&2; exit 7");

        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write("hello, host\n".getBytes(StandardCharsets.UTF_8));
        }
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertTrue(process.waitFor(10, TimeUnit.SECONDS));
        assertEquals("HELLO, HOST\n", stdout);
        assertEquals("done\n", stderr);
        assertEquals(7, process.exitValue());
        assertEquals(7, process.waitFor());
        assertFalse(process.isAlive());
        assertEquals(7, process.onExit().get(1, TimeUnit.SECONDS).exitValue());
    }

    @Test
    void destroyingAStartedProcessEndsIt() throws Exception {
        Process process = shell.start(fixture.target(), "sleep 30");

        assertFalse(process.waitFor(200, TimeUnit.MILLISECONDS));
        assertTrue(process.isAlive());
        assertThrows(IllegalThreadStateException.class, process::exitValue);
        // What waits on onExit runs as the channel closes, and sees the process over.
        var exited = process.onExit().thenApply(p -> p.isAlive() ? "alive" : "exited " + p.exitValue());
        assertFalse(exited.isDone());
        process.destroy();
        assertEquals("exited " + ChannelProcess.NO_EXIT_STATUS, exited.get(10, TimeUnit.SECONDS));

        assertTrue(process.waitFor(10, TimeUnit.SECONDS));
        assertFalse(process.isAlive());
        assertEquals("still usable\n", shell.run(fixture.target(),
                RemoteCommand.of("after", "echo still usable"), TIMEOUT).stdout());
    }

    @Test
    void returnsWhileABackgroundProcessWithRedirectedOutputRuns() {
        RemoteCommand daemon = RemoteCommand.of("daemon", "sleep 5 > /dev/null 2>&1 & echo started");

        CommandResult result = shell.run(fixture.target(), daemon, Duration.ofSeconds(3));

        assertEquals("started\n", result.stdout());
        assertTrue(result.took().compareTo(Duration.ofSeconds(3)) < 0);
    }

    static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }
}
