package io.trueup.git;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.Sha;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class GitDesiredStateSourceTest {

    @TempDir
    Path tmp;

    private TestRepo repo;
    private GitSsh ssh;
    private GitDesiredStateSource source;

    @BeforeEach
    void setUp() throws Exception {
        repo = TestRepo.init(tmp.resolve("desired"), "main");
        ssh = new GitSsh(Optional.empty(), Optional.empty(), tmp.resolve("state"));
    }

    @AfterEach
    void tearDown() {
        if (source != null) {
            source.close();
        }
        ssh.close();
        repo.close();
    }

    @Test
    void fetchesTheBranchAndReadsFilesFromTheCommitTreeNotAWorkingCopy() throws Exception {
        Sha commit = repo.commit("hello app", Map.of(
                "apps/hello/app.yaml", "source: x\n",
                "apps/hello/prod.yaml", "sha: y\n"));
        repo.write("apps/hello/app.yaml", "uncommitted edit\n").write("apps/hello/staging.yaml", "untracked\n");

        Snapshot snapshot = source("main", Optional.empty()).fetch();

        assertEquals(commit.hex(), snapshot.revision());
        assertEquals(List.of("apps/hello/app.yaml", "apps/hello/prod.yaml"), List.copyOf(snapshot.files().keySet()));
        assertEquals("source: x\n", text(snapshot, "apps/hello/app.yaml"));
    }

    @Test
    void readsOnlyTheConfiguredSubdirectory() throws Exception {
        repo.commit("layout", Map.of(
                "deploy/apps/hello/app.yaml", "in deploy\n",
                "deploy/README.md", "not under apps\n",
                "apps/other/app.yaml", "outside the directory\n",
                "README.md", "root\n"));

        Snapshot snapshot = source("main", Optional.of("deploy")).fetch();

        assertEquals(List.of("apps/hello/app.yaml"), List.copyOf(snapshot.files().keySet()));
        assertEquals("in deploy\n", text(snapshot, "apps/hello/app.yaml"));
    }

    @Test
    void reportsAMissingDirectoryNamingTheUrl() throws Exception {
        repo.commit("no deploy dir", "apps/hello/app.yaml", "x\n");

        var error = assertThrows(GitException.class, () -> source("main", Optional.of("deploy")).fetch());

        assertTrue(error.getMessage().contains("directory deploy not found"), error.getMessage());
        assertTrue(error.getMessage().contains(url()), error.getMessage());
    }

    @Test
    void reportsAMissingBranchNamingTheUrl() throws Exception {
        repo.commit("on main", "apps/hello/app.yaml", "x\n");

        var error = assertThrows(GitException.class, () -> source("production", Optional.empty()).fetch());

        assertEquals("branch production not found in " + url(), error.getMessage());
    }

    @Test
    void reportsAnUnreachableRepositoryNamingTheUrl() {
        String missing = tmp.resolve("no-such-repo").toString();
        source = new GitDesiredStateSource(missing, "main", Optional.empty(), tmp.resolve("mirror"), ssh);

        var error = assertThrows(GitException.class, source::fetch);

        assertTrue(error.getMessage().contains(missing), error.getMessage());
    }

    @Test
    void followsNewCommitsOnEachFetch() throws Exception {
        Sha first = repo.commit("v1", "apps/hello/prod.yaml", "sha: one\n");
        GitDesiredStateSource source = source("main", Optional.empty());
        assertEquals(first.hex(), source.fetch().revision());

        Sha second = repo.commit("v2", Map.of("apps/hello/prod.yaml", "sha: two\n", "apps/bye/app.yaml", "new\n"));
        Snapshot snapshot = source.fetch();

        assertEquals(second.hex(), snapshot.revision());
        assertEquals("sha: two\n", text(snapshot, "apps/hello/prod.yaml"));
        assertTrue(snapshot.files().containsKey("apps/bye/app.yaml"));
    }

    @Test
    void readsAnEarlierRevisionWithoutFetching() throws Exception {
        Sha base = repo.commit("v1", "apps/hello/prod.yaml", "sha: one\n");
        repo.commit("v2", "apps/hello/prod.yaml", "sha: two\n");
        GitDesiredStateSource source = source("main", Optional.empty());
        Snapshot head = source.fetch();

        Snapshot earlier = source.read(base.hex());

        assertNotEquals(head.revision(), earlier.revision());
        assertEquals("sha: one\n", text(earlier, "apps/hello/prod.yaml"));
    }

    @Test
    void reportsARevisionThatWasNeverFetched() throws Exception {
        repo.commit("v1", "apps/hello/prod.yaml", "sha: one\n");
        String unknown = "0123456789abcdef0123456789abcdef01234567";

        var error = assertThrows(MissingCommitException.class, () -> source("main", Optional.empty()).read(unknown));

        assertTrue(error.getMessage().contains(unknown), error.getMessage());
    }

    private GitDesiredStateSource source(String branch, Optional<String> dir) {
        source = new GitDesiredStateSource(url(), branch, dir, tmp.resolve("mirror"), ssh);
        return source;
    }

    private String url() {
        return repo.dir().toUri().toString();
    }

    private static String text(Snapshot snapshot, String path) {
        return new String(snapshot.file(path).orElseThrow(), UTF_8);
    }

    @Test
    void aFileOverTheLimitIsRefusedWithItsSizeWithoutBeingLoaded() throws Exception {
        String sixtyMegabytes = "# " + "x".repeat(60 * 1024 * 1024 - 3) + "\n";
        repo.commit("a huge environment", Map.of(
                "apps/hello/app.yaml", "source: x\n",
                "apps/hello/prod.yaml", sixtyMegabytes));

        Snapshot snapshot = source("main", Optional.empty()).fetch();

        assertEquals(List.of("apps/hello/app.yaml"), List.copyOf(snapshot.files().keySet()));
        assertEquals(Map.of("apps/hello/prod.yaml", "is 62914560 bytes, more than the 1048576 bytes (1 MiB) trueup"
                + " reads of a desired-state file: keep data out of apps/"), snapshot.refused());
    }

    @Test
    void filesOverTheTotalLimitRefuseTheWholeRevisionNamingItsCommit() throws Exception {
        Map<String, String> files = new java.util.HashMap<>();
        for (int i = 0; i < 20; i++) {
            files.put("apps/hello/data" + (i < 10 ? "0" : "") + i + ".tmpl", "x".repeat(900 * 1024));
        }
        Sha commit = repo.commit("much data", files);

        TooLargeException refused = assertThrows(TooLargeException.class, () -> source("main", Optional.empty()).fetch());

        assertTrue(refused.getMessage().startsWith("desired state at commit " + commit.hex().substring(0, 7) + " of "),
                refused::getMessage);
        assertTrue(refused.getMessage().endsWith(" is refused: its files under apps/ hold more than 16777216 bytes"
                + " (16 MiB) together, reached at apps/hello/data18.tmpl: keep data out of apps/"), refused::getMessage);
    }

    @Test
    void aSymbolicLinkUnderAppsIsRefusedNotSkipped() throws Exception {
        repo.write("apps/hello/prod.yaml", "sha: y\n").write("secrets.txt", "not desired state\n");
        java.nio.file.Files.createSymbolicLink(repo.dir().resolve("apps/hello/staging.yaml"), Path.of("prod.yaml"));
        java.nio.file.Files.createSymbolicLink(repo.dir().resolve("apps/hello/settings.tmpl"),
                Path.of("../../secrets.txt"));
        java.nio.file.Files.createSymbolicLink(repo.dir().resolve("apps/other"), Path.of("hello"));
        repo.commit("links", Map.of());

        Snapshot snapshot = source("main", Optional.empty()).fetch();

        assertEquals(List.of("apps/hello/prod.yaml"), List.copyOf(snapshot.files().keySet()));
        String link = "is a symbolic link; trueup reads only regular files under apps/: commit the file itself";
        assertEquals(Map.of("apps/hello/settings.tmpl", link, "apps/hello/staging.yaml", link, "apps/other", link),
                snapshot.refused());
    }
}
