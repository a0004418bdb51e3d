package io.trueup.host;

import static io.trueup.support.Specs.env;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.AppSpec;
import io.trueup.desired.ReleaseId;
import io.trueup.desired.RenderedConfig;
import io.trueup.desired.Sha;
import io.trueup.ssh.CommandResult;
import io.trueup.ssh.RemoteCommand;
import io.trueup.support.LocalCommand;
import io.trueup.support.Specs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code release} step of an app whose transport is git, on commits that hold what trueup
 * keeps for itself in a release ({@code .trueup-release/}, {@code .venv}), run by {@code /bin/sh}.
 */
@Timeout(60)
class ClonedReleaseTest {

    private static final Map<String, String> LOCK = Map.of("TRUEUP_LOCK_OWNER", "ctl/run1",
            "TRUEUP_LOCK_SINCE", "2026-11-22T03:00:00Z");

    @TempDir
    Path home;
    Path base;
    Path app;

    @BeforeEach
    void anAppAndAHost() throws IOException {
        base = home.resolve("srv/hello");
        app = home.resolve("app");
        git(home, "init", "-q", "-b", "main", app.toString());
        Files.writeString(app.resolve("app.py"), "print('hi')\n");
        assertOk(run(spec(commit()), List.of(HostCommands.prepare())));
    }

    @Test
    void aTrueupReleaseDirectoryInTheCommitIsNotTheReleasesMarks() throws IOException {
        Files.createDirectories(app.resolve(".trueup-release"));
        Files.writeString(app.resolve(".trueup-release/trueup-switched"), "9999999999\n");
        Files.writeString(app.resolve(".trueup-release/trueup-built"), "");
        Sha sha = commit();
        push(sha);
        CommandResult released = run(spec(sha), List.of(HostCommands.release(spec(sha), spec(sha).hosts().get(0))));
        assertOk(released);
        assertEquals("", released.stderr(), "a release that succeeds says nothing (no git warning on the wire)");
        try (Stream<Path> left = Files.list(base.resolve("releases"))) {
            assertEquals(List.of(sha.hex()), left.map(p -> p.getFileName().toString()).toList(),
                    "nothing is left beside the release");
        }

        CommandResult inspect = LocalCommand.run(home, List.of("/bin/sh", "-c",
                HostCommands.inspect(spec(sha), spec(sha).hosts().get(0)).withEnv(LOCK).render()), new byte[0]);
        assertTrue(inspect.stdout().contains("release " + sha.hex() + " 0 "),
                () -> "never switched to, whatever the commit's .trueup-release says: " + inspect.stdout() + inspect.stderr());
        assertFalse(inspect.stdout().contains("built " + sha.hex()), inspect.stdout());
    }

    @Test
    void aCommitWhoseVenvIsALinkFailsTheReleaseAndWritesNothingOutsideIt() throws IOException {
        Files.createDirectories(app.resolve("data"));
        Files.writeString(app.resolve("data/keep.txt"), "kept\n");
        Files.createSymbolicLink(app.resolve(".venv"), Path.of("data"));
        Sha sha = commit();
        push(sha);
        CommandResult result = run(spec(sha), List.of(HostCommands.release(spec(sha), spec(sha).hosts().get(0))));
        assertNotEquals(0, result.exitCode());
        assertTrue(result.stderr().contains(".venv"), result.stderr());
        try (Stream<Path> releases = Files.list(base.resolve("releases"))) {
            assertEquals(List.of(), releases.toList(), "nothing is left of the refused release");
        }
    }

    @Test
    void verifyRefreshesTheIndexOfARacilyCleanReleaseAndStillFindsAChangeByHand() throws IOException {
        Files.writeString(app.resolve("lib.py"), "x = 1\n");
        Sha sha = commit();
        push(sha);
        assertOk(run(spec(sha), List.of(HostCommands.release(spec(sha), spec(sha).hosts().get(0)))));
        Path release = base.resolve("releases").resolve(sha.hex());
        Path index = release.resolve(".git/index");
        // Checked out within the second its index was written (here ten seconds ago): every file
        // racily clean, which a read-only git status hashes again each time.
        FileTime checkedOut = FileTime.fromMillis(System.currentTimeMillis() / 1000 * 1000 - 10_000);
        for (String file : List.of("app.py", "lib.py", ".git/index")) {
            Files.setLastModifiedTime(release.resolve(file), checkedOut);
        }
        Files.createDirectories(base.resolve("envs").resolve(env('1').hex()));
        HostCommands.Step verify = HostCommands.verify("", "", env('1'), false, Optional.of(ReleaseId.of(sha)), false,
                RenderedConfig.NONE);

        assertOk(run(spec(sha), List.of(verify)));

        // Written in a later second than its files': no longer racy, so later statuses stat them only.
        assertTrue(Files.getLastModifiedTime(index).toInstant().getEpochSecond() > checkedOut.toInstant().getEpochSecond(),
                "git wrote the release's index, refreshed");
        Files.writeString(release.resolve("app.py"), "print('changed')\n");
        CommandResult changed = run(spec(sha), List.of(verify));
        assertEquals(HostCommands.NOT_AS_SEEN, changed.exitCode(), changed.stderr());
        assertTrue(changed.stderr().contains("was changed by hand"), changed.stderr());
    }

    private AppSpec spec(Sha sha) {
        return Specs.at(Specs.spec(sha, env('1'), "web1"), base.toString());
    }

    private Sha commit() throws IOException {
        git(app, "add", "-A");
        git(app, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "change");
        return new Sha(git(app, "rev-parse", "HEAD").strip());
    }

    /** Pushes {@code sha} as trueup's pusher does: to {@code refs/trueup/<sha>}. */
    private void push(Sha sha) throws IOException {
        git(app, "push", "-q", base.resolve("repo.git").toString(), sha.hex() + ":refs/trueup/" + sha.hex());
    }

    private static String git(Path dir, String... args) throws IOException {
        List<String> line = new ArrayList<>(List.of("git"));
        line.addAll(List.of(args));
        CommandResult result = LocalCommand.run(dir, line, new byte[0]);
        assertEquals(0, result.exitCode(), () -> String.join(" ", line) + ": " + result.stderr());
        return result.stdout();
    }

    private static void assertOk(CommandResult result) {
        assertEquals(0, result.exitCode(), result.stderr());
    }

    /** Runs the command's line as sshd would: with the login shell's {@code -c}, in the home directory. */
    private CommandResult run(AppSpec spec, List<HostCommands.Step> steps) throws IOException {
        RemoteCommand command = HostCommands.command(spec, steps).withEnv(LOCK);
        return LocalCommand.run(home, List.of("/bin/sh", "-c", command.render()), command.input().bytes());
    }
}
