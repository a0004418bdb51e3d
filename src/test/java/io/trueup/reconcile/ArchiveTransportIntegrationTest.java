package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.plan.Drift;
import io.trueup.ssh.CommandResult;
import io.trueup.ssh.HostUnreachableException;
import io.trueup.ssh.RemoteCommand;
import io.trueup.ssh.RemoteShell;
import io.trueup.ssh.SshTarget;
import io.trueup.ssh.StdoutListener;
import io.trueup.support.Fleet;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app with {@code transport: archive} on a host whose commands find no git on their PATH: its
 * releases are unpacked from archives of their trees, a hand edit is drift, and only a release
 * that is made travels.
 */
@Timeout(240)
class ArchiveTransportIntegrationTest {

    private static final String ARCHIVE = "transport: archive\n";

    @TempDir
    Path dir;

    Fleet fleet;
    /** Bytes of archives sent to hosts, and how many archives. */
    final AtomicLong sent = new AtomicLong();
    final AtomicLong archives = new AtomicLong();
    /** When positive, the next archive is cut after this many bytes. */
    final AtomicLong cutAfter = new AtomicLong();

    @BeforeEach
    void fleetWithoutGit() throws IOException {
        fleet = new Fleet(dir, 1, Map.of("PATH", withoutGit(dir.resolve("bin")).toString()));
        fleet.startController(new io.trueup.ssh.KeepingShell(counting(fleet.shell)), "state");
    }

    @AfterEach
    void close() throws IOException {
        fleet.close();
        try (Stream<Path> links = Files.list(dir.resolve("bin"))) {
            for (Path link : links.toList()) {
                Files.delete(link);
            }
        }
    }

    @Test
    void deploysWithoutGitDetectsAHandEditAndRollsBackWithoutATransfer() throws Exception {
        CommandResult probe = fleet.shell.run(target(), RemoteCommand.of("probe", "command -v git || echo none"),
                Duration.ofSeconds(10));
        assertEquals("none", probe.stdout().strip(), "the host's commands must find no git");

        String first = fleet.app.head();
        fleet.deploy(first, ARCHIVE + "selfHeal: false\n");
        fleet.reconciler.runOnce();
        assertEquals(first, fleet.currentSha(0));
        Path release = fleet.base(0).resolve("releases").resolve(first);
        assertTrue(Files.isRegularFile(release.resolve(".trueup-release/manifest")));
        assertFalse(Files.exists(release.resolve(".git")), "no clone");
        assertFalse(Files.exists(fleet.base(0).resolve("repo.git")), "no repository");
        assertTrue(Files.isExecutable(release.resolve("bin/restart")), "the exec bit travels");
        assertEquals(Files.readString(fleet.app.dir().resolve("app.py")), Files.readString(release.resolve("app.py")));
        assertEquals(1, archives.get());

        // A hand edit is drift, seen and, with selfHeal, repaired by a new unpack.
        Files.writeString(release.resolve("app.py"), "# edited by hand\n", java.nio.file.StandardOpenOption.APPEND);
        fleet.reconciler.runOnce();
        assertTrue(fleet.hostStatus(0).drift().contains(Drift.MODIFIED), fleet.hostStatus(0).toString());
        fleet.deploy(first, ARCHIVE);
        fleet.reconciler.runOnce();
        assertEquals(Files.readString(fleet.app.dir().resolve("app.py")), Files.readString(release.resolve("app.py")));
        assertEquals(2, archives.get());
        assertTrue(fleet.hostStatus(0).drift().isEmpty(), fleet.hostStatus(0).toString());

        // A changed release travels once; converged, nothing more goes.
        String second = fleet.commitApp("NOTES", "second\n");
        fleet.deploy(second, ARCHIVE);
        fleet.reconciler.runOnce();
        fleet.reconciler.runOnce();
        assertEquals(second, fleet.currentSha(0));
        assertEquals(3, archives.get());

        // Back to the first release, which the host keeps: nothing travels.
        long before = sent.get();
        fleet.deploy(first, ARCHIVE);
        fleet.reconciler.runOnce();
        assertEquals(first, fleet.currentSha(0));
        assertEquals(before, sent.get(), "a rollback to a kept release sends nothing");
        assertEquals(List.of(), fleet.leftovers(0));
    }

    @Test
    void aCutArchiveLeavesNoHalfRelease() throws Exception {
        String first = fleet.app.head();
        fleet.deploy(first, ARCHIVE);
        fleet.reconciler.runOnce();
        String second = fleet.commitApp("NOTES", "second\n");
        fleet.deploy(second, ARCHIVE);
        cutAfter.set(3000);
        fleet.reconciler.runOnce();
        assertEquals(first, fleet.currentSha(0));
        assertFalse(fleet.list(0, "releases").contains(second), fleet.list(0, "releases").toString());
        assertTrue(fleet.leftovers(0).stream().noneMatch(p -> p.startsWith("releases/")), fleet.leftovers(0).toString());

        cutAfter.set(0);
        assertTrue(fleet.reconcileUntilSynced(fleet.reconciler, Duration.ofSeconds(60)));
        assertEquals(second, fleet.currentSha(0));
    }

    @Test
    void sendsTheTreesOfSubmodulesAndLeavesAGitlinkWithoutAnEntryEmpty() throws Exception {
        Path sub = fleet.app.dir().resolveSibling("sub");
        Files.createDirectories(sub.resolve("data"));
        Files.writeString(sub.resolve("data/words.txt"), "from the submodule\n");
        git(sub, "init", "-q", "-b", "main");
        git(sub, "add", ".");
        git(sub, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "sub");
        String subCommit = git(sub, "rev-parse", "HEAD");
        String before = git(fleet.app.dir(), "rev-parse", "HEAD");
        Files.writeString(fleet.app.dir().resolve(".gitmodules"), "[submodule \"sub\"]\n\tpath = vendor/sub\n\turl = ../sub\n");
        git(fleet.app.dir(), "add", ".gitmodules");
        git(fleet.app.dir(), "update-index", "--add", "--cacheinfo", "160000," + subCommit + ",vendor/sub");
        // A gitlink without a .gitmodules entry, at the app's own earlier commit: git leaves it empty.
        git(fleet.app.dir(), "update-index", "--add", "--cacheinfo", "160000," + before + ",self");
        git(fleet.app.dir(), "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m",
                "with a submodule");
        String sha = git(fleet.app.dir(), "rev-parse", "HEAD");

        fleet.deploy(sha, ARCHIVE);
        fleet.reconciler.runOnce();
        assertTrue(fleet.reconcileUntilSynced(fleet.reconciler, Duration.ofSeconds(60)), fleet.status().toString());
        Path current = fleet.base(0).resolve("current");
        assertEquals("from the submodule\n", Files.readString(current.resolve("vendor/sub/data/words.txt")));
        assertTrue(Files.isDirectory(current.resolve("self")), "the entry-less gitlink is a directory");
        try (Stream<Path> inside = Files.list(current.resolve("self"))) {
            assertEquals(List.of(), inside.toList(), "and an empty one");
        }
        fleet.reconciler.runOnce();
        assertTrue(fleet.hostStatus(0).drift().isEmpty(), fleet.hostStatus(0).toString());
    }

    @Test
    void sharedPathsRenderedConfigAndWhatTheBuildMadeAreNoDriftButAHandEditOfTheConfigIs() throws Exception {
        fleet.writeDesired("apps/hello/settings.tmpl", "GREETING = \"{vars.greeting}\"\n");
        String sha = fleet.app.head();
        fleet.deploy(sha, ARCHIVE + """
                selfHeal: false
                shared: [data/]
                config:
                  - template: settings.tmpl
                    dest: conf/settings.py
                    mode: "0600"
                vars:
                  greeting: hi
                hooks:
                  build: mkdir -p static && echo css > static/site.css
                """);
        fleet.reconciler.runOnce();
        Path current = fleet.base(0).resolve("current");
        assertEquals("GREETING = \"hi\"\n", Files.readString(current.resolve("conf/settings.py")));
        assertEquals("css\n", Files.readString(current.resolve("static/site.css")));
        assertTrue(Files.isSymbolicLink(current.resolve("data")));
        assertTrue(Files.isRegularFile(current.resolve(".trueup-release/trueup-built")));
        Files.writeString(current.resolve("data/written-by-the-app"), "kept\n");
        fleet.reconciler.runOnce();
        assertTrue(fleet.hostStatus(0).drift().isEmpty(), fleet.hostStatus(0).toString());
        assertEquals(1, archives.get());

        Files.writeString(current.resolve("conf/settings.py"), "GREETING = \"edited\"\n");
        fleet.reconciler.runOnce();
        assertTrue(fleet.hostStatus(0).drift().contains(Drift.MODIFIED), fleet.hostStatus(0).toString());
    }

    private SshTarget target() {
        return new SshTarget("127.0.0.1", fleet.server(0).port(), "deploy");
    }

    /** A directory with links to every command of /usr/bin and /bin but git's. */
    private static Path withoutGit(Path bin) throws IOException {
        Files.createDirectories(bin);
        for (String from : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
            Path source = Path.of(from);
            if (!Files.isDirectory(source)) {
                continue;
            }
            try (Stream<Path> commands = Files.list(source)) {
                for (Path command : commands.toList()) {
                    String name = command.getFileName().toString();
                    Path link = bin.resolve(name);
                    if (!name.startsWith("git") && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, command);
                    }
                }
            }
        }
        return bin;
    }

    /** {@code shell}, counting the archives its commands stream, and cutting one when told to. */
    private RemoteShell counting(RemoteShell shell) {
        return new RemoteShell() {
            @Override
            public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout) {
                return shell.run(target, counted(command), timeout);
            }

            @Override
            public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout,
                    StdoutListener listener) {
                return shell.run(target, counted(command), timeout, listener);
            }

            @Override
            public Process start(SshTarget target, String commandLine) {
                return shell.start(target, commandLine);
            }

            private RemoteCommand counted(RemoteCommand command) {
                Optional<RemoteCommand.Source> stream = command.input().stream();
                if (stream.isEmpty()) {
                    return command;
                }
                archives.incrementAndGet();
                long cut = cutAfter.get();
                RemoteCommand.Source source = out -> stream.get().writeTo(new FilterOutputStream(out) {
                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        if (cut > 0 && sent.get() + len > cut) {
                            throw new HostUnreachableException(new SshTarget("127.0.0.1", 22, "deploy"),
                                    "connection cut while sending the archive", null);
                        }
                        sent.addAndGet(len);
                        out.write(b, off, len);
                    }
                });
                if (cut > 0) {
                    sent.set(0);
                }
                return command.withInput(new RemoteCommand.Input(command.input().bytes(), Optional.of(source)));
            }
        };
    }

    private static String git(Path in, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", in.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes()).strip();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + ": " + out);
        }
        return out;
    }
}
