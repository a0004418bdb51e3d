package io.trueup.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One session per host, reused, made again when the host comes back, and never retried blindly. */
@Timeout(30)
class SessionReuseTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    SshFixture fixture;

    @BeforeEach
    void startHost() {
        fixture = SshFixture.in(dir);
    }

    @AfterEach
    void stopHost() throws Exception {
        fixture.close();
    }

    @Test
    void reusesOneConnectionForManyCommands() {
        MinaRemoteShell shell = fixture.shell();

        for (int i = 0; i < 20; i++) {
            CommandResult result = shell.run(fixture.target(), RemoteCommand.of("echo", "echo \"$1\"", "n" + i), TIMEOUT);
            assertEquals("n" + i + "\n", result.stdout());
        }

        assertEquals(1, shell.sessionsOpened());
        assertEquals(20, fixture.host().commandsRun());
    }

    @Test
    void threadsCallingAtOnceShareOneConnection() throws Exception {
        MinaRemoteShell shell = fixture.shell();
        int threads = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> outputs = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                String word = "thread" + t;
                outputs.add(pool.submit(() -> {
                    go.await();
                    StringBuilder out = new StringBuilder();
                    for (int i = 0; i < 5; i++) {
                        out.append(shell.run(fixture.target(), RemoteCommand.of("echo", "echo \"$1\"", word), TIMEOUT).stdout());
                    }
                    return out.toString();
                }));
            }
            go.countDown();
            for (int t = 0; t < threads; t++) {
                assertEquals(("thread" + t + "\n").repeat(5), outputs.get(t).get(20, TimeUnit.SECONDS));
            }
        }

        assertEquals(1, shell.sessionsOpened());
        assertEquals(threads * 5, fixture.host().commandsRun());
    }

    @Test
    void reportsConnectionRefusedAsUnreachable() {
        MinaRemoteShell shell = fixture.shell();
        fixture.host().stop();

        HostUnreachableException refused = assertThrows(HostUnreachableException.class,
                () -> shell.run(fixture.target(), RemoteCommand.of("echo", "echo hi"), TIMEOUT));

        assertTrue(refused.getMessage().contains("deploy@127.0.0.1:" + fixture.host().port()), refused.getMessage());
        assertTrue(refused.getMessage().toLowerCase().contains("connection refused"), refused.getMessage());
        assertTrue(refused.transientFailure());
        assertEquals(fixture.target(), refused.target());
    }

    @Test
    void reportsAnUnknownHostNameAsUnreachable() {
        MinaRemoteShell shell = fixture.shell();
        SshTarget nowhere = new SshTarget("no-such-host.invalid", 22, "deploy");

        HostUnreachableException unknown = assertThrows(HostUnreachableException.class,
                () -> shell.run(nowhere, RemoteCommand.of("echo", "echo hi"), TIMEOUT));

        assertTrue(unknown.getMessage().contains("deploy@no-such-host.invalid"), unknown.getMessage());
    }

    @Test
    void reportsARejectedKeyAsAuthenticationFailure() {
        Path strangerKey = dir.resolve("id_stranger");
        SshKeys.createIdentity(strangerKey);
        MinaRemoteShell shell = fixture.shell(strangerKey, fixture.knownHosts);

        HostUnreachableException rejected = assertThrows(HostUnreachableException.class,
                () -> shell.run(fixture.target(), RemoteCommand.of("echo", "echo hi"), TIMEOUT));

        assertEquals("authentication failed for deploy@127.0.0.1:" + fixture.host().port() + " with key "
                + strangerKey + ": the host does not accept it", rejected.getMessage());
        assertEquals(0, fixture.host().commandsRun());
    }

    @Test
    void reconnectsAfterTheServerRestarts() {
        MinaRemoteShell shell = fixture.shell();
        RemoteCommand hello = RemoteCommand.of("hello", "echo hello");
        assertEquals("hello\n", shell.run(fixture.target(), hello, TIMEOUT).stdout());

        fixture.host().stop();
        fixture.host().start();

        assertEquals("hello\n", shell.run(fixture.target(), hello, TIMEOUT).stdout());
        assertEquals("hello\n", shell.run(fixture.target(), hello, TIMEOUT).stdout());
        assertEquals(2, shell.sessionsOpened());
    }

    @Test
    void reportsASessionDroppedMidCommandWithoutRunningItAgain() throws Exception {
        MinaRemoteShell shell = fixture.shell();
        RemoteCommand slow = RemoteCommand.of("slow", "echo started; sleep 20");
        try (ExecutorService background = Executors.newSingleThreadExecutor()) {
            Future<CommandResult> running = background.submit(() -> shell.run(fixture.target(), slow, TIMEOUT));
            assertTrue(MinaRemoteShellTest.eventually(() -> fixture.host().commandsRun() == 1));

            fixture.host().stop();
            fixture.host().start();

            ExecutionException failure = assertThrows(ExecutionException.class, () -> running.get(20, TimeUnit.SECONDS));
            HostUnreachableException dropped = assertInstanceOf(HostUnreachableException.class, failure.getCause());
            assertTrue(dropped.getMessage().contains("slow"), dropped.getMessage());
            assertTrue(dropped.getMessage().contains("dropped"), dropped.getMessage());
        }
        assertEquals(1, fixture.host().commandsRun());
    }
}
