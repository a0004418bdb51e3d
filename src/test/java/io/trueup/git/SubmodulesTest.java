package io.trueup.git;

import static io.trueup.support.GitCli.gitmodules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.Policy;
import io.trueup.desired.Sha;
import io.trueup.ssh.SshTarget;
import io.trueup.support.GitCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An app commit's submodules, at every depth, come into the app's own mirror from the URLs its
 * {@code .gitmodules} gives, and travel with the commit in one push: real repositories, real git
 * on the "host".
 */
@Timeout(60)
class SubmodulesTest {

    private static final SshTarget HOST = new SshTarget("web1.example", 2222, "deploy");

    @TempDir
    Path tmp;

    private GitCli inner;
    private GitCli lib;
    private GitCli app;
    private GitSsh ssh;
    private AppMirrors mirrors;
    private JGitCommitPusher pusher;

    @BeforeEach
    void setUp() throws Exception {
        inner = GitCli.init(tmp.resolve("src/inner"), "inner.txt", "inner 1\n");
        lib = GitCli.init(tmp.resolve("src/lib"), "lib.txt", "lib 1\n");
        lib.pin(gitmodules("inner", "vendor/inner", "../inner"), "vendor/inner", inner.head());
        app = GitCli.init(tmp.resolve("src/app"), "app.py", "print('app')\n");
        app.pin(gitmodules("lib", "lib", "./../lib"), "lib", lib.head());
        ssh = new GitSsh(Optional.empty(), Optional.empty(), tmp.resolve("state"));
        mirrors = new AppMirrors(tmp.resolve("mirrors"), ssh, Clock.systemUTC());
        pusher = new JGitCommitPusher(mirrors, new LocalShell(tmp.resolve("host")),
                Duration.ofSeconds(20));
    }

    @AfterEach
    void tearDown() {
        mirrors.close();
        ssh.close();
    }

    @Test
    void nestedSubmodulesComeIntoTheAppsMirrorFromRelativeUrls() {
        List<Submodule> modules = mirrors.submodules("hello", source(), sha(app.head()));

        assertEquals(List.of(
                new Submodule("lib", "lib", tmp.resolve("src/lib").toString(), sha(lib.head())),
                new Submodule("lib/vendor/inner", "inner", tmp.resolve("src/inner").toString(), sha(inner.head()))),
                modules);
        for (Submodule module : modules) {
            assertTrue(mirrors.localCommit("hello", module.commit()) != null);
        }
    }

    @Test
    void aBumpOfOnlyTheSubmoduleSendsOnlyWhatTheHostLacks() throws Exception {
        Path repo = hostRepo();
        Sha first = sha(app.head());
        mirrors.submodules("hello", source(), first);
        PushResult full = pusher.push("hello", first, HOST, repo.toString());

        lib.commitFile("lib.txt", "lib 2\n");
        Sha bumped = sha(app.pin(gitmodules("lib", "lib", "./../lib"), "lib", lib.head()));
        mirrors.submodules("hello", source(), bumped);
        PushResult bump = pusher.push("hello", bumped, HOST, repo.toString());
        PushResult back = pusher.push("hello", first, HOST, repo.toString());

        assertFalse(full.upToDate());
        assertEquals(5, bump.objectsSent(), "the app's commit and root tree, the submodule's commit, tree and blob");
        assertEquals(PushResult.alreadyThere(), back, "going back moves no object");
        GitCli host = new GitCli(repo);
        String refs = host.run("for-each-ref", "--format=%(refname)", "refs/trueup/");
        assertTrue(refs.contains("refs/trueup/modules/" + bumped.hex() + "/" + lib.head()), refs);
        assertTrue(refs.contains("refs/trueup/modules/" + first.hex() + "/" + inner.head()), refs);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ext::sh -c touch% /tmp/pwned | lib | submodule \"lib\": url ext::sh -c touch% /tmp/pwned must not contain",
        "ext::git-upload-pack | lib | submodule \"lib\": url ext::git-upload-pack must be a git URL",
        "../lib | ../x | submodule \"lib\": path ../x must be a plain relative path",
        "../../../../../../../../../../../../../../../../../../../../lib | lib | climbs above",
        "../elsewhere | lib | cannot fetch submodule \"lib\" (lib) from"})
    void aBadGitmodulesIsRefusedNamingAppCommitAndSubmodule(String url, String path, String expected)
            throws Exception {
        Sha bad = sha(app.pin(gitmodules("lib", path, url), "lib", lib.head()));

        SubmoduleException error = assertThrows(SubmoduleException.class,
                () -> mirrors.readFile("hello", source(), bad, "app.py"));

        assertTrue(error.getMessage().startsWith("app hello"), error.getMessage());
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }

    @Test
    void aSubmoduleOutsideThePolicysSourcesIsRefusedBeforeItIsFetched() {
        Policy policy = new Policy(List.of(), List.of(), List.of(), List.of(tmp.resolve("src/app").toString()));
        try (AppMirrors guarded = new AppMirrors(tmp.resolve("guarded"), ssh, Clock.systemUTC(), policy)) {
            SubmoduleException error = assertThrows(SubmoduleException.class,
                    () -> guarded.readFile("hello", source(), sha(app.head()), "app.py"));

            assertEquals("app hello, commit " + app.head().substring(0, 7) + ": .gitmodules: submodule \"lib\" (lib),"
                    + " URL " + tmp.resolve("src/lib") + ": " + tmp.resolve("src/lib")
                    + " starts with none of trueup.policy.sources ([" + tmp.resolve("src/app") + "])",
                    error.getMessage());
            assertTrue(guarded.localCommit("hello", sha(app.head())) != null, "the app's own commit came");
            assertThrows(MissingCommitException.class, () -> guarded.localCommit("hello", sha(lib.head())),
                    "nothing was fetched from the submodule's URL");
        }
    }

    @ParameterizedTest
    @CsvSource({"''", "file://"})
    void aSubmoduleOnThisMachineIsRefusedForAnAppWhoseSourceIsNot(String scheme) throws Exception {
        String url = scheme + tmp.resolve("src/lib");
        Sha pinned = sha(app.pin(gitmodules("lib", "lib", url), "lib", lib.head()));
        List<Submodule> fetched = new ArrayList<>();
        try (BareMirror mirror = BareMirror.openOrCreate(tmp.resolve("remote-app.git"), ssh)) {
            mirror.fetch(tmp.resolve("src/app").toString(), List.of(new RefSpec("+refs/heads/*:refs/heads/*")), false);
            RevCommit commit = mirror.commit(ObjectId.fromString(pinned.hex())).orElseThrow();

            SubmoduleException error = assertThrows(SubmoduleException.class, () -> Submodules.collect(mirror,
                    "hello", "ssh://git@git.example.com/org/app.git", commit, fetched::add, Submodules.UrlRule.ANY));

            assertEquals("app hello, commit " + pinned.abbrev() + ": .gitmodules: submodule \"lib\" (lib), URL " + url
                    + ": a local path or file:// URL, refused because the app's source is not local: it would read"
                    + " a repository on the machine that runs trueup", error.getMessage());
        }
        assertEquals(List.of(), fetched, "nothing was fetched from it");
    }

    @Test
    void aPinnedCommitMissingAtItsSourceIsRefused() throws Exception {
        Sha bad = sha(app.pin(gitmodules("lib", "lib", "../lib"), "lib", "0123456789abcdef0123456789abcdef01234567"));

        SubmoduleException error = assertThrows(SubmoduleException.class,
                () -> mirrors.hasCommit("hello", source(), bad));

        assertEquals("app hello, commit " + bad.abbrev() + ": .gitmodules: submodule \"lib\" pins commit 0123456"
                + " at lib, not found in " + tmp.resolve("src/lib"), error.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "/srv/git/app.git, ../lib.git, /srv/git/lib.git",
        "/srv/git/app.git, ./lib.git, /srv/git/app.git/lib.git",
        "file:///srv/app.git/, ../lib.git, file:///srv/lib.git",
        "ssh://git@example.com/org/app.git, ../../other/lib.git, ssh://git@example.com/other/lib.git",
        "git@example.com:org/app.git, ../lib.git, git@example.com:org/lib.git",
        "git@example.com:app.git, ../lib.git, git@example.com:lib.git",
        "/app.git, ../lib.git, /lib.git",
        "/srv/app.git, ssh://git@example.com/lib.git, ssh://git@example.com/lib.git"})
    void relativeUrlsResolveAgainstTheSourceAsGitResolvesThem(String base, String url, String resolved) {
        assertEquals(resolved, GitModules.resolve(url, base, "app hello"));
    }

    @ParameterizedTest
    @CsvSource({"ssh://git@example.com/app.git, ../../lib.git", "git@example.com:app.git, ../../lib.git",
        "/app.git, ../../lib.git", "/srv/app.git, ../a/../../lib.git"})
    void relativeUrlsMayNotClimbAboveTheHostOrRoot(String base, String url) {
        assertThrows(SubmoduleException.class, () -> GitModules.resolve(url, base, "app hello"));
    }

    private String source() {
        return app.dir().toString();
    }

    private Path hostRepo() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("host/srv/hello/repo.git"));
        new GitCli(repo).run("init", "-q", "--bare");
        return repo;
    }

    private static Sha sha(String hex) {
        return new Sha(hex);
    }

}
