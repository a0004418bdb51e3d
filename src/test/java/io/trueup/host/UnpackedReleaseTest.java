package io.trueup.host;

import static io.trueup.support.Specs.env;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.AppSpec;
import io.trueup.desired.Sha;
import io.trueup.desired.Transport;
import io.trueup.ssh.CommandResult;
import io.trueup.ssh.RemoteCommand;
import io.trueup.support.LocalCommand;
import io.trueup.support.Specs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code release} step of an app whose transport is archive, run by {@code /bin/sh} on
 * archives made here: what it unpacks, what it refuses, and what its inspection reports.
 */
@Timeout(60)
class UnpackedReleaseTest {

    private static final Sha SHA = Specs.sha('a');

    @TempDir
    Path home;
    Path base;
    AppSpec spec;

    @BeforeEach
    void prepared() throws IOException {
        base = home.resolve("srv/hello");
        spec = Specs.at(Specs.spec(SHA, env('1'), "web1"), base.toString()).withTransport(Transport.ARCHIVE);
        assertOk(run(List.of(HostCommands.prepare()), new byte[0]));
        assertFalse(Files.exists(base.resolve("repo.git")), "no repository for an archive");
    }

    @Test
    void unpacksFilesExecBitsAndLinksAndReportsHandEdits() throws IOException {
        byte[] tar = tar(file("app.py", "print('hi')\n", 0100644), file("bin/run", "#!/bin/sh\n", 0100755),
                link("lib", "bin"), link("outside", "../../../../etc"));
        assertOk(release(tar));
        Path release = base.resolve("releases").resolve(SHA.hex());
        assertEquals("print('hi')\n", Files.readString(release.resolve("app.py")));
        assertTrue(Files.isExecutable(release.resolve("bin/run")));
        assertFalse(Files.isExecutable(release.resolve("app.py")));
        assertEquals("bin", Files.readSymbolicLink(release.resolve("lib")).toString());
        assertEquals("../../../../etc", Files.readSymbolicLink(release.resolve("outside")).toString(),
                "a link's target is kept as git keeps it");
        assertEquals(List.of(), changes());

        Files.writeString(release.resolve("app.py"), "print('edited')\n");
        Files.delete(release.resolve("bin/run"));
        Files.writeString(release.resolve("new.txt"), "new\n");
        Files.createDirectories(release.resolve("__pycache__"));
        Files.writeString(release.resolve("__pycache__/app.cpython-311.pyc"), "cache");
        assertEquals(List.of(" D bin/run", " M app.py", "?? new.txt"), changes().stream().sorted().toList());
    }

    @Test
    void filesOfTheCommitUnderPycacheAreCheckedAndNeverShowAsDeleted() throws IOException {
        assertOk(release(tar(file("app.py", "print('hi')\n", 0100644),
                file("pkg/__pycache__/mod.cpython-311.pyc", "cache", 0100644))));
        assertEquals(List.of(), changes(), "as unpacked, no change");

        Path release = base.resolve("releases").resolve(SHA.hex());
        Files.writeString(release.resolve("pkg/__pycache__/mod.cpython-311.pyc"), "other");
        Files.writeString(release.resolve("pkg/__pycache__/new.cpython-311.pyc"), "new");
        assertEquals(List.of(" M pkg/__pycache__/mod.cpython-311.pyc"), changes(), "as git status says it");
    }

    @Test
    void verifyPassesAnUnpackedReleaseAsMadeAndStopsAtOneChangedByHand() throws IOException {
        assertOk(release(tar(file("app.py", "print('hi')\n", 0100644))));
        HostCommands.Step verify = HostCommands.verify("", "", env('1'), false,
                java.util.Optional.of(spec.release(spec.hosts().get(0))), false, io.trueup.desired.RenderedConfig.NONE);
        assertOk(run(List.of(verify), new byte[0]));

        Files.writeString(base.resolve("releases").resolve(SHA.hex()).resolve("app.py"), "print('edited')\n");
        CommandResult stale = run(List.of(verify), new byte[0]);
        assertEquals(HostCommands.NOT_AS_SEEN, stale.exitCode(), stale.stderr());
        assertTrue(stale.stderr().contains("changed by hand"), stale.stderr());
    }

    @Test
    void refusesAnEntryThatLeadsOutOfTheRelease() throws IOException {
        for (byte[] tar : List.of(tar(file("../evil", "x", 0100644)), tar(file("/tmp/evil", "x", 0100644)),
                tar(link("lib", "/tmp"), file("lib/evil", "x", 0100644)),
                tar(file(".trueup-release/HEAD", "x", 0100644)), tar(file(".venv/bin/python", "x", 0100755)),
                tar(link(".venv", "data"), file("data/x", "x", 0100644)), tar(file(".git/HEAD", "x", 0100644)))) {
            CommandResult result = release(tar);
            assertNotEquals(0, result.exitCode());
            assertTrue(result.stderr().contains("refused archive entry"), result.stderr());
            assertEquals(List.of(), releases(), "nothing is left of a refused archive");
        }
    }

    @Test
    void keepsNothingOfAnArchiveCutShortOrAltered() throws IOException {
        byte[] framed = frame(tar(file("app.py", "print('hi')\n".repeat(10_000), 0100644)));
        CommandResult cut = run(List.of(releaseStep()), java.util.Arrays.copyOf(framed, framed.length / 2));
        assertNotEquals(0, cut.exitCode());
        assertTrue(cut.stderr().contains("cut short"), cut.stderr());
        assertEquals(List.of(), releases());

        byte[] altered = framed.clone();
        altered[2000] ^= 1; // in the file's content: the tar is still a tar
        CommandResult changed = run(List.of(releaseStep()), altered);
        assertNotEquals(0, changed.exitCode());
        assertTrue(changed.stderr().contains("altered"), changed.stderr());
        assertEquals(List.of(), releases());
    }

    private List<String> changes() throws IOException {
        CommandResult result = LocalCommand.run(home,
                List.of("/bin/sh", "-c", HostCommands.inspect(spec, spec.hosts().get(0)).render()),
                new byte[0]);
        return result.stdout().lines().filter(l -> l.startsWith("change "))
                .map(l -> l.substring(("change " + SHA.hex() + " ").length())).toList();
    }

    private List<String> releases() throws IOException {
        try (Stream<Path> all = Files.list(base.resolve("releases"))) {
            return all.map(p -> p.getFileName().toString()).toList();
        }
    }

    private HostCommands.Step releaseStep() {
        return HostCommands.release(spec, spec.hosts().get(0));
    }

    private CommandResult release(byte[] tar) throws IOException {
        return run(List.of(releaseStep()), frame(tar));
    }

    /** {@code tar} framed as trueup sends it. */
    private static byte[] frame(byte[] tar) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArchiveFrames.framed(o -> o.write(tar)).writeTo(out);
        return out.toByteArray();
    }

    private record Entry(TarArchiveEntry entry, byte[] content) {
    }

    private static Entry file(String name, String content, int mode) {
        TarArchiveEntry entry = new TarArchiveEntry(name, true);
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        entry.setSize(bytes.length);
        entry.setMode(mode);
        return new Entry(entry, bytes);
    }

    private static Entry link(String name, String target) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
        entry.setLinkName(target);
        return new Entry(entry, new byte[0]);
    }

    private static byte[] tar(Entry... entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (Entry e : entries) {
                tar.putArchiveEntry(e.entry());
                tar.write(e.content());
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    private static void assertOk(CommandResult result) {
        assertEquals(0, result.exitCode(), result.stderr());
    }

    /** Runs the steps as sshd would, with {@code input} on the command's stdin, without git on PATH. */
    private CommandResult run(List<HostCommands.Step> steps, byte[] input) throws IOException {
        RemoteCommand command = HostCommands.command(spec, steps);
        return LocalCommand.run(home, List.of("/bin/sh", "-c", command.render()), input);
    }
}
