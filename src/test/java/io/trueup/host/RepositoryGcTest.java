package io.trueup.host;

import static io.trueup.support.Specs.env;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.AppSpec;
import io.trueup.desired.ReleaseId;
import io.trueup.desired.Sha;
import io.trueup.ssh.CommandResult;
import io.trueup.ssh.RemoteCommand;
import io.trueup.support.LocalCommand;
import io.trueup.support.Specs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code gc} step on a base directory with real releases, made by the {@code release} step
 * from commits pushed into {@code repo.git} as trueup pushes them, run by {@code /bin/sh}.
 */
@Timeout(60)
class RepositoryGcTest {

    private static final Map<String, String> LOCK = Map.of("TRUEUP_LOCK_OWNER", "ctl/run1",
            "TRUEUP_LOCK_SINCE", "2026-11-22T03:00:00Z");

    @TempDir
    Path home;
    Path base;
    Path app;
    Sha first;
    Sha second;
    Sha abandoned;

    /**
     * A host whose current release is {@code second}, its previous {@code first} (its parent),
     * and with a release of {@code abandoned}, a commit on another branch made from {@code first}.
     */
    @BeforeEach
    void aHostWithThreeReleases() throws IOException {
        base = home.resolve("srv/hello");
        app = home.resolve("app");
        git(home, "init", "-q", "-b", "main", app.toString());
        first = commit("app.py", "print('first')\n");
        second = commit("app.py", "print('second')\n");
        git(app, "checkout", "-q", "-b", "abandoned", first.hex());
        abandoned = commit("only-abandoned.py", "print('never deployed for long')\n");
        assertOk(run(spec(first), List.of(HostCommands.prepare())));
        for (Sha sha : List.of(first, second, abandoned)) {
            push(sha);
            assertOk(run(spec(sha), List.of(HostCommands.release(spec(sha), spec(sha).hosts().get(0)))));
        }
        Files.createSymbolicLink(base.resolve("current"), Path.of("releases", second.hex()));
        Files.createSymbolicLink(base.resolve("previous"), Path.of("releases", first.hex()));
    }

    @Test
    void gcDropsWhatOnlyAPrunedReleaseUsedAndTheKeptReleasesStillWork() throws IOException {
        Instant now = Instant.now().plus(Duration.ofHours(2)); // everything pushed is past the grace
        String blob = git(app, "rev-parse", abandoned.hex() + ":only-abandoned.py").strip();

        assertOk(run(spec(second), List.of(HostCommands.prune(List.of(ReleaseId.of(abandoned)), List.of()),
                HostCommands.gc(now))));

        assertEquals(List.of("refs/trueup/" + first.hex(), "refs/trueup/" + second.hex()).stream().sorted().toList(),
                refs(), "the ref of the pruned release is gone");
        assertFalse(has(abandoned.hex()), "its commit is gone from repo.git");
        assertFalse(has(blob), "and the file only it had");
        for (Sha kept : List.of(first, second)) {
            Path release = base.resolve("releases").resolve(kept.hex());
            assertEquals("", git(release, "status", "--porcelain"), "release " + kept.abbrev() + " is pristine");
            assertEquals(kept.hex(), git(release, "log", "-1", "--format=%H").strip());
            git(release, "fsck", "--connectivity-only", "--no-progress");
            assertFalse(Files.exists(release.resolve(".git/objects/info/alternates")),
                    "a release has objects of its own, never borrowed from repo.git");
        }
        assertEquals(now.getEpochSecond() + "\n", Files.readString(base.resolve(".trueup/gc-at")));
    }

    @Test
    void gcRemovesThePartsOfOtherTrueupVersionsOnceADayOldAndKeepsThisOnes() throws Exception {
        Path scripts = Files.createDirectories(base.resolve(HostCommands.SCRIPTS));
        Path current = Files.writeString(scripts.resolve(Scripts.COMMON.hash()), Scripts.COMMON.text());
        Path older = Files.writeString(scripts.resolve("0".repeat(64)), "an older trueup's part\n");
        Path lastHour = Files.writeString(scripts.resolve("1".repeat(64)), "another replica's, sent an hour ago\n");
        Path leftover = Files.writeString(scripts.resolve("." + "2".repeat(64) + ".123"), "cut short\n");
        // The same text kept by a trueup that named scripts by their whole SHA-256.
        Path longName = Files.writeString(scripts.resolve(java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(Scripts.COMMON.text().getBytes(
                        java.nio.charset.StandardCharsets.UTF_8)))), Scripts.COMMON.text());
        java.nio.file.attribute.FileTime twoDaysAgo = java.nio.file.attribute.FileTime.from(
                Instant.now().minus(Duration.ofDays(2)));
        for (Path old : List.of(current, older, leftover, longName)) {
            Files.setLastModifiedTime(old, twoDaysAgo);
        }

        assertOk(run(spec(second), List.of(HostCommands.gc(Instant.now()))));

        assertTrue(Files.exists(current), "a part this trueup sends stays, however old");
        assertTrue(Files.exists(lastHour), "another's part stays for a day");
        assertFalse(Files.exists(older));
        assertFalse(Files.exists(leftover));
        assertFalse(Files.exists(longName), "a name of another naming is another version's");
    }

    @Test
    void gcRunsAtMostOncePerIntervalPerBaseDirectory() throws IOException {
        Instant now = Instant.now().plus(Duration.ofHours(2));
        assertOk(run(spec(second), List.of(HostCommands.gc(now))));
        deleteRelease(abandoned);

        assertOk(run(spec(second), List.of(HostCommands.gc(now.plus(HostCommands.GC_EVERY).minusSeconds(1)))));
        assertTrue(refs().contains("refs/trueup/" + abandoned.hex()), "not again within the interval");

        assertOk(run(spec(second), List.of(HostCommands.gc(now.plus(HostCommands.GC_EVERY)))));
        assertFalse(refs().contains("refs/trueup/" + abandoned.hex()), "again once it is over");
        assertFalse(has(abandoned.hex()));
        assertTrue(refs().contains("refs/trueup/" + second.hex()), "the refs of the releases there stay");
    }

    @Test
    void aCommitPushedWithinTheGraceSurvivesGcBeforeItsReleaseIsMade() throws IOException {
        deleteRelease(abandoned); // as if pushed by another controller, which is about to make its release

        assertOk(run(spec(second), List.of(HostCommands.gc(Instant.now()))));

        assertFalse(refs().contains("refs/trueup/" + abandoned.hex()));
        assertTrue(has(abandoned.hex()), "its objects stay for the grace: its release can still be made");
        assertOk(run(spec(abandoned), List.of(HostCommands.release(spec(abandoned), spec(abandoned).hosts().get(0)))));
    }

    @Test
    void gcKeepsTheSubmoduleCommitsOfKeptReleasesAndDropsThoseOfPrunedOnes() throws IOException {
        Sha keptModule = moduleCommit("lib-kept");
        Sha prunedModule = moduleCommit("lib-pruned");
        String kept = "refs/trueup/modules/" + second.hex() + "/" + keptModule.hex();
        String pruned = "refs/trueup/modules/" + abandoned.hex() + "/" + prunedModule.hex();
        git(home.resolve("lib-kept"), "push", "-q", base.resolve("repo.git").toString(), keptModule.hex() + ":" + kept);
        git(home.resolve("lib-pruned"), "push", "-q", base.resolve("repo.git").toString(),
                prunedModule.hex() + ":" + pruned);

        assertOk(run(spec(second), List.of(HostCommands.prune(List.of(ReleaseId.of(abandoned)), List.of()),
                HostCommands.gc(Instant.now().plus(Duration.ofHours(2))))));

        List<String> refs = refs();
        assertTrue(refs.contains(kept), () -> "the submodule ref of a kept release stays: " + refs);
        assertFalse(refs.contains(pruned), () -> "that of the pruned release goes with it: " + refs);
        assertTrue(has(keptModule.hex()));
        assertFalse(has(prunedModule.hex()));
    }

    @Test
    void aBaseDirectoryWithoutRepositoryIsLeftAlone() throws IOException {
        Path empty = home.resolve("srv/empty");
        Files.createDirectories(empty);
        AppSpec other = Specs.at(spec(first), empty.toString());

        assertOk(run(other, List.of(HostCommands.gc(Instant.now()))));

        assertFalse(Files.exists(empty.resolve(".trueup/gc-at")));
    }

    private AppSpec spec(Sha sha) {
        return Specs.at(Specs.spec(sha, env('1'), "web1"), base.toString());
    }

    private Sha commit(String file, String content) throws IOException {
        Files.writeString(app.resolve(file), content);
        git(app, "add", file);
        git(app, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", file);
        return new Sha(git(app, "rev-parse", "HEAD").strip());
    }

    /** A commit of a repository of its own, {@code <home>/<name>}, standing for a submodule's. */
    private Sha moduleCommit(String name) throws IOException {
        Path repo = home.resolve(name);
        git(home, "init", "-q", "-b", "main", repo.toString());
        Files.writeString(repo.resolve("lib.txt"), name + "\n");
        git(repo, "add", "lib.txt");
        git(repo, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", name);
        return new Sha(git(repo, "rev-parse", "HEAD").strip());
    }

    /** Pushes {@code sha} as trueup's pusher does: to {@code refs/trueup/<sha>}. */
    private void push(Sha sha) throws IOException {
        git(app, "push", "-q", base.resolve("repo.git").toString(), sha.hex() + ":refs/trueup/" + sha.hex());
    }

    private void deleteRelease(Sha sha) throws IOException {
        try (var files = Files.walk(base.resolve("releases").resolve(sha.hex()))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private List<String> refs() throws IOException {
        return git(base, "--git-dir=repo.git", "for-each-ref", "--format=%(refname)").lines().sorted().toList();
    }

    private boolean has(String object) throws IOException {
        return exec(base, List.of("git", "--git-dir=repo.git", "cat-file", "-e", object)).exitCode() == 0;
    }

    private static String git(Path dir, String... args) throws IOException {
        List<String> line = new ArrayList<>(List.of("git"));
        line.addAll(List.of(args));
        CommandResult result = exec(dir, line);
        assertEquals(0, result.exitCode(), () -> String.join(" ", line) + ": " + result.stderr());
        return result.stdout();
    }

    private static void assertOk(CommandResult result) {
        assertEquals(0, result.exitCode(), result.stderr());
        assertFalse(result.stdout().contains("warned"), result.stdout() + result.stderr());
    }

    /** Runs the command's line as sshd would: with the login shell's {@code -c}, in the home directory. */
    private CommandResult run(AppSpec spec, List<HostCommands.Step> steps) throws IOException {
        RemoteCommand command = HostCommands.command(spec, steps).withEnv(LOCK);
        return LocalCommand.run(home, List.of("/bin/sh", "-c", command.render()), command.input().bytes());
    }

    private static CommandResult exec(Path dir, List<String> line) throws IOException {
        return LocalCommand.run(dir, line, new byte[0]);
    }
}
