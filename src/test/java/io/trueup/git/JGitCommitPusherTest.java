package io.trueup.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.Sha;
import io.trueup.ssh.SshTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class JGitCommitPusherTest {

    private static final SshTarget HOST = new SshTarget("web1.example", 2222, "deploy");
    private static final int FILES = 30;

    @TempDir
    Path tmp;

    private Path hostHome;
    private LocalShell shell;
    private TestRepo app;
    private GitSsh ssh;
    private AppMirrors mirrors;
    private JGitCommitPusher pusher;
    private Sha first;
    private Sha second;

    @BeforeEach
    void setUp() throws Exception {
        hostHome = Files.createDirectories(tmp.resolve("host-home"));
        shell = new LocalShell(hostHome);
        app = TestRepo.init(tmp.resolve("hello-src"), "main");
        Map<String, String> files = new HashMap<>();
        for (int i = 0; i < FILES; i++) {
            files.put("src/module" + i + ".py", "print(" + i + ")\n");
        }
        first = app.commit("first", files);
        second = app.commit("second", "src/module0.py", "print('changed')\n");
        ssh = new GitSsh(Optional.empty(), Optional.empty(), tmp.resolve("state"));
        mirrors = new AppMirrors(tmp.resolve("mirrors"), ssh, Clock.systemUTC());
        mirrors.readFile("hello", app.dir().toString(), second, "src/module0.py");
        pusher = new JGitCommitPusher(mirrors, shell, Duration.ofSeconds(20));
    }

    @AfterEach
    void tearDown() {
        mirrors.close();
        ssh.close();
        app.close();
    }

    @Test
    void pushSendsOnlyTheMissingObjects() throws Exception {
        Path repo = hostRepo("srv/hello/repo.git");

        PushResult full = pusher.push("hello", first, HOST, repo.toString());
        PushResult incremental = pusher.push("hello", second, HOST, repo.toString());

        assertFalse(full.upToDate());
        assertTrue(full.objectsSent() >= FILES + 3, "first push sends every object: " + full);
        assertTrue(incremental.objectsSent() > 0 && incremental.objectsSent() <= 4,
                "second push sends the new commit, its two changed trees and one blob: " + incremental);
        assertEquals(0, git(repo, "cat-file", "-e", second.hex()));
        assertEquals(0, git(repo, "cat-file", "-e", "refs/trueup/" + second.hex()));
    }

    @Test
    void aChangedFileTravelsAsADeltaAndTheHostTellsNoProgress() throws Exception {
        Random random = new Random(18);
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            big.append("value_").append(Long.toHexString(random.nextLong())).append(" = ").append(i).append('\n');
        }
        Path repo = hostRepo("srv/hello/repo.git");
        Map<String, String> files = new HashMap<>();
        files.put("src/large.py", big.toString());
        for (int i = 0; i < 120; i++) { // past receive.unpackLimit (100): the host indexes the pack
            files.put("src/many/module" + i + ".py", "value = " + i + "\n");
        }
        Sha before = app.commit("a large module and many small ones", files);
        mirrors.readFile("hello", app.dir().toString(), before, "src/large.py");
        pusher.push("hello", before, HOST, repo.toString());
        long whole = shell.sent();
        Sha after = app.commit("one more line", "src/large.py", big + "value_last = 0\n");
        mirrors.readFile("hello", app.dir().toString(), after, "src/large.py");

        long from = shell.sent();
        PushResult result = pusher.push("hello", after, HOST, repo.toString());

        long delta = shell.sent() - from;
        assertFalse(result.upToDate());
        assertEquals(0, git(repo, "cat-file", "-e", after.hex() + ":src/large.py"));
        assertTrue(whole > 20_000 && delta < 2_000, "a one-line change sends a delta against the file the host has ("
                + delta + " bytes), not the file again (the first push: " + whole + " bytes)");
        assertFalse(shell.answered().contains("Unpacking") || shell.answered().contains("Resolving"),
                "no progress from the host: " + shell.answered());
    }

    @Test
    void pushingTheSameCommitAgainIsUpToDate() throws Exception {
        Path repo = hostRepo("srv/hello/repo.git");
        pusher.push("hello", second, HOST, repo.toString());

        PushResult again = pusher.push("hello", second, HOST, repo.toString());

        assertEquals(new PushResult(true, 0), again);
    }

    @Test
    void pushesToAPathRelativeToTheLoginHome() throws Exception {
        Path repo = hostRepo("hello/repo.git");

        PushResult result = pusher.push("hello", second, HOST, "hello/repo.git");

        assertFalse(result.upToDate());
        assertEquals(0, git(repo, "cat-file", "-e", second.hex()));
        assertEquals(List.of("git-receive-pack --quiet '~/hello/repo.git'"), shell.started(),
                "git runs over the pooled connection and expands ~/ itself");
    }

    @Test
    void reportsAMissingHostRepositoryNamingHostAndPath() {
        var error = assertThrows(GitException.class, () -> pusher.push("hello", second, HOST, "/srv/absent/repo.git"));

        assertTrue(error.getMessage().contains("/srv/absent/repo.git on deploy@web1.example:2222"), error.getMessage());
    }

    @Test
    void refusesToPushACommitTheMirrorNeverFetched() {
        Sha unknown = new Sha("3f9c2e1000000000000000000000000000000000");

        assertThrows(MissingCommitException.class, () -> pusher.push("hello", unknown, HOST, "hello/repo.git"));
        assertEquals(List.of(), shell.started());
    }

    private Path hostRepo(String relative) throws Exception {
        Path repo = hostHome.resolve(relative);
        Files.createDirectories(repo);
        assertEquals(0, git(repo, "init", "--quiet", "--bare"));
        return repo;
    }

    private static int git(Path repo, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("git did not finish: " + command);
        }
        return process.exitValue();
    }
}
