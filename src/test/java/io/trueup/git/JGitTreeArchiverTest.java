package io.trueup.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.Sha;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The tar of a commit's tree from an app's mirror, as a host without git gets it. */
class JGitTreeArchiverTest {

    @TempDir
    Path dir;
    Path app;
    AppMirrors mirrors;

    @BeforeEach
    void anApp() throws Exception {
        app = dir.resolve("app");
        Files.createDirectories(app.resolve("bin"));
        Files.writeString(app.resolve("app.py"), "print('hi')\n");
        Files.writeString(app.resolve("bin/run"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(app.resolve("bin/run"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(app.resolve("current.py"), Path.of("app.py"));
        git(app, "init", "-q", "-b", "main");
        mirrors = new AppMirrors(dir.resolve("mirrors"), new GitSsh(Optional.empty(), Optional.empty(),
                dir.resolve("state")), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        mirrors.close();
    }

    @Test
    void holdsFilesWithTheirExecBitAndLinksAsLinks() throws Exception {
        Sha sha = commit(app, "first");
        Map<String, TarArchiveEntry> entries = entries(archive(sha), new LinkedHashMap<>());
        assertEquals(List.of("app.py", "bin/run", "current.py"), List.copyOf(entries.keySet()));
        assertEquals(0644, entries.get("app.py").getMode() & 0777);
        assertEquals(0755, entries.get("bin/run").getMode() & 0777);
        assertTrue(entries.get("current.py").isSymbolicLink());
        assertEquals("app.py", entries.get("current.py").getLinkName());
    }

    @Test
    void holdsASubmodulesTreeAtItsPathOnceItsCommitIsInTheMirror() throws Exception {
        Path sub = dir.resolve("sub");
        Files.createDirectories(sub);
        Files.writeString(sub.resolve("words.txt"), "from the submodule\n");
        git(sub, "init", "-q", "-b", "main");
        Sha subCommit = commit(sub, "sub");
        Files.writeString(app.resolve(".gitmodules"), "[submodule \"sub\"]\n\tpath = vendor/sub\n\turl = "
                + sub.toUri() + "\n");
        commit(app, "first");
        git(app, "update-index", "--add", "--cacheinfo", "160000," + subCommit.hex() + ",vendor/sub");
        git(app, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "with a submodule");
        Sha sha = new Sha(git(app, "rev-parse", "HEAD"));

        // A mirror that has the app's commit but not its submodule's.
        git(dir, "clone", "-q", "--bare", app.toString(), dir.resolve("mirrors/app.git").toString());
        SubmoduleException missing = assertThrows(SubmoduleException.class,
                () -> new JGitTreeArchiver(mirrors).archive("app", sha));
        assertTrue(missing.getMessage().contains("vendor/sub") && missing.getMessage().contains(subCommit.abbrev()),
                missing.getMessage());

        Map<String, TarArchiveEntry> entries = entries(archive(sha), new LinkedHashMap<>());
        assertTrue(entries.containsKey("vendor/sub/words.txt"), entries.keySet().toString());
    }

    @Test
    @Timeout(60)
    void aGitlinkWithoutAGitmodulesEntryIsAnEmptyDirectoryHoweverDeepItsCommitsGo() throws Exception {
        // Each commit pins the one before it twice, at a/ and b/, with no .gitmodules: filled in,
        // 16 levels would be 65,536 copies of app.py.
        Sha sha = commit(app, "first");
        for (int level = 0; level < 16; level++) {
            for (String path : List.of("a", "b")) {
                git(app, "update-index", "--add", "--cacheinfo", "160000," + sha.hex() + "," + path);
            }
            git(app, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "level " + level);
            sha = new Sha(git(app, "rev-parse", "HEAD"));
        }
        Map<String, TarArchiveEntry> entries = entries(archive(sha), new LinkedHashMap<>());
        assertEquals(5, entries.size(), () -> entries.size() + " entries, the first " + entries.keySet().stream()
                .limit(5).toList());
        assertEquals(List.of("a/", "app.py", "b/", "bin/run", "current.py"), List.copyOf(entries.keySet()));
        assertTrue(entries.get("a/").isDirectory() && entries.get("b/").isDirectory());
    }

    private byte[] archive(Sha sha) throws IOException {
        assertTrue(mirrors.hasCommit("app", app.toString(), sha));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new JGitTreeArchiver(mirrors).archive("app", sha).writeTo(out);
        return out.toByteArray();
    }

    private static Map<String, TarArchiveEntry> entries(byte[] tar, Map<String, TarArchiveEntry> into)
            throws IOException {
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                into.put(e.getName(), e);
            }
        }
        return into;
    }

    private static Sha commit(Path repo, String message) throws Exception {
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", message);
        return new Sha(git(repo, "rev-parse", "HEAD"));
    }

    private static String git(Path in, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", in.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + ": " + out);
        }
        return out;
    }
}
