package io.trueup.git;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.Sha;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class AppMirrorsTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path tmp;

    private TestRepo app;
    private GitSsh ssh;
    private AppMirrors mirrors;

    @BeforeEach
    void setUp() throws Exception {
        app = TestRepo.init(tmp.resolve("hello-src"), "main");
        ssh = new GitSsh(Optional.empty(), Optional.empty(), tmp.resolve("state"));
        mirrors = new AppMirrors(tmp.resolve("mirrors"), ssh, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void tearDown() {
        mirrors.close();
        ssh.close();
        app.close();
    }

    @Test
    void readsTheRequirementsFileAtThePinnedCommit() throws Exception {
        Sha pinned = app.commit("v1", "requirements.txt", "flask==3.0\n");
        app.commit("v2", "requirements.txt", "flask==3.1\n");

        byte[] content = mirrors.readFile("hello", source(), pinned, "requirements.txt");

        assertEquals("flask==3.0\n", new String(content, UTF_8));
        assertTrue(Files.isDirectory(tmp.resolve("mirrors/hello.git")), "the mirror is <base>/<app>.git");
    }

    @Test
    void mirrorFetchesOnlyWhenThePinnedShaIsMissing() throws Exception {
        Sha first = app.commit("v1", "requirements.txt", "a\n");
        mirrors.readFile("hello", source(), first, "requirements.txt");
        Sha second = app.commit("v2", "requirements.txt", "b\n");

        mirrors.readFile("hello", source(), first, "requirements.txt");
        assertThrows(MissingCommitException.class, () -> mirrors.localCommit("hello", second),
                "reading a pin the mirror has must not fetch the source's newer commit");

        assertArrayEquals("b\n".getBytes(UTF_8), mirrors.readFile("hello", source(), second, "requirements.txt"));
        moveSourceAway();
        assertArrayEquals("a\n".getBytes(UTF_8), mirrors.readFile("hello", source(), first, "requirements.txt"));
    }

    @Test
    void reportsAShaThatIsNotInTheSource() throws Exception {
        app.commit("v1", "requirements.txt", "a\n");
        Sha absent = new Sha("3f9c2e1000000000000000000000000000000000");

        var error = assertThrows(MissingCommitException.class,
                () -> mirrors.readFile("hello", source(), absent, "requirements.txt"));

        assertEquals("commit " + absent + " not found in " + source() + " (fetched " + NOW + ")", error.getMessage());
        assertFalse(mirrors.hasCommit("hello", source(), absent));
    }

    @Test
    void reportsAFileMissingAtThePinnedCommit() throws Exception {
        Sha pinned = app.commit("v1", "setup.py", "x\n");

        var error = assertThrows(GitException.class,
                () -> mirrors.readFile("hello", source(), pinned, "requirements.txt"));

        assertEquals("requirements.txt not found at commit " + pinned.abbrev() + " of " + source(), error.getMessage());
    }

    @Test
    void reportsASourceThatCannotBeFetched() {
        Sha pinned = new Sha("3f9c2e1000000000000000000000000000000000");
        String nowhere = tmp.resolve("nowhere").toString();

        var error = assertThrows(GitException.class,
                () -> mirrors.readFile("hello", nowhere, pinned, "requirements.txt"));

        assertEquals("cannot fetch app hello from " + nowhere + ": no git repository there", error.getMessage());
    }

    @Test
    void followsTheSourceWhenItMoves() throws Exception {
        Sha first = app.commit("v1", "requirements.txt", "a\n");
        mirrors.readFile("hello", source(), first, "requirements.txt");
        Path moved = moveSourceAway();
        Sha second;
        try (TestRepo again = TestRepo.open(moved)) {
            second = again.commit("v2", "requirements.txt", "b\n");
        }

        byte[] content = mirrors.readFile("hello", moved.toString(), second, "requirements.txt");

        assertEquals("b\n", new String(content, UTF_8));
    }

    @Test
    void listsSubjectsBetweenTwoCommitsNewestFirst() throws Exception {
        Sha base = app.commit("v1", "a", "1");
        app.commit("add login", "a", "2");
        app.commit("fix login", "a", "3");
        Sha head = app.commit("bump flask", "a", "4");
        mirrors.readFile("hello", source(), head, "a");

        assertEquals(List.of("bump flask", "fix login", "add login"), mirrors.subjectsBetween("hello", base, head, 10));
        assertEquals(List.of("bump flask"), mirrors.subjectsBetween("hello", base, head, 1));
    }

    @Test
    void servesManyAppsFromManyThreadsAtOnce() throws Exception {
        List<TestRepo> sources = new ArrayList<>();
        List<Callable<String>> reads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            TestRepo repo = TestRepo.init(tmp.resolve("app" + i), "main");
            sources.add(repo);
            Sha sha = repo.commit("v1", "requirements.txt", "app" + i);
            String name = "app" + i;
            for (int j = 0; j < 3; j++) {
                String source = repo.dir().toString();
                reads.add(() -> new String(mirrors.readFile(name, source, sha, "requirements.txt"), UTF_8));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> results = pool.invokeAll(reads, 30, TimeUnit.SECONDS);
            for (int k = 0; k < results.size(); k++) {
                assertEquals("app" + k / 3, results.get(k).get());
            }
        } finally {
            pool.shutdownNow();
            sources.forEach(TestRepo::close);
        }
    }

    private String source() {
        return app.dir().toString();
    }

    private Path moveSourceAway() throws Exception {
        app.close();
        return Files.move(app.dir(), tmp.resolve("moved-src"));
    }
}
