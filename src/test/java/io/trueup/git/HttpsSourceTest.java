package io.trueup.git;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.Sha;
import io.trueup.support.GitHttpsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * App sources and desired state fetched over https from a real git smart-HTTP server on
 * loopback ({@code git http-backend} behind TLS and Basic authentication), with the login read
 * from the credentials file at each fetch and the server trusted through a CA file.
 */
@Timeout(120)
class HttpsSourceTest {

    private static final String TOKEN = "tok-3f9a1c7e5d";

    @TempDir
    Path tmp;

    private GitHttpsServer server;
    private TestRepo app;
    private Path credentials;
    private GitSsh transports;
    private AppMirrors mirrors;

    @BeforeEach
    void setUp() throws Exception {
        app = TestRepo.init(tmp.resolve("repos/hello"), "main");
        server = GitHttpsServer.start(tmp.resolve("repos"), tmp.resolve("server"), "deploy", TOKEN);
        credentials = tmp.resolve("secrets/git-credentials");
        Files.createDirectories(credentials.getParent());
        transports = new GitSsh(Optional.empty(), Optional.empty(), tmp.resolve("state"),
                new GitHttp(this::credentialsText, Optional.of(server.caFile())));
        mirrors = new AppMirrors(tmp.resolve("mirrors"), transports, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        mirrors.close();
        transports.close();
        server.close();
        app.close();
    }

    private Optional<String> credentialsText() {
        try {
            return Files.exists(credentials) ? Optional.of(Files.readString(credentials)) : Optional.empty();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void fetchesAnAppOverHttpsWithTheLoginOfItsLongestMatchingLine() throws Exception {
        Sha pinned = app.commit("v1", "requirements.txt", "flask==3.0\n");
        Files.writeString(credentials, "# logins\nhttps://other:wrong@127.0.0.1:" + server.port() + "/\n"
                + "https://deploy:" + TOKEN + "@127.0.0.1:" + server.port() + "/hello\n"
                + "https://deploy:wrong@127.0.0.1:" + server.port() + "/hel\n");

        byte[] content = mirrors.readFile("hello", server.url("hello"), pinned, "requirements.txt");

        assertEquals("flask==3.0\n", new String(content, UTF_8));
    }

    @Test
    void aWrongLoginFailsSayingSoWithoutTheSecretAndARotatedOneIsUsedAtTheNextFetch() throws Exception {
        Sha pinned = app.commit("v1", "requirements.txt", "flask==3.0\n");
        Files.writeString(credentials, "https://deploy:old-secret-42@127.0.0.1:" + server.port() + "\n");

        GitException e = assertThrows(GitException.class, () -> mirrors.hasCommit("hello", server.url("hello"), pinned));

        assertEquals("cannot fetch app hello from " + server.url("hello") + ": authentication failed: the server"
                + " refused the login of the line for this URL in git-credentials of trueup.secrets.dir", e.getMessage());
        assertFalse(everything(e).contains("old-secret-42"), everything(e));

        Files.writeString(credentials, "https://deploy:" + TOKEN + "@127.0.0.1:" + server.port() + "\n");
        assertTrue(mirrors.hasCommit("hello", server.url("hello"), pinned));
    }

    @Test
    void withoutALineForTheServerTheFetchIsAnonymousAndRefused() throws Exception {
        Sha pinned = app.commit("v1", "requirements.txt", "flask==3.0\n");

        GitException e = assertThrows(GitException.class, () -> mirrors.hasCommit("hello", server.url("hello"), pinned));

        assertEquals("cannot fetch app hello from " + server.url("hello") + ": authentication failed: the server asks"
                + " for a login, and no line of git-credentials in trueup.secrets.dir serves this URL", e.getMessage());
    }

    @Test
    void aBadLineIsNamedByItsNumberNeverByItsText() throws Exception {
        Sha pinned = app.commit("v1", "requirements.txt", "flask==3.0\n");
        Files.writeString(credentials, "\nhttps://127.0.0.1/x\nhttp://deploy:plain-secret-9@127.0.0.1/\n");

        GitException e = assertThrows(GitException.class, () -> mirrors.hasCommit("hello", server.url("hello"), pinned));

        assertEquals("git-credentials line 2 is not https://user:password@host[:port][/path] (its text is not shown:"
                + " it holds a secret)", e.getMessage());
        assertFalse(everything(e).contains("plain-secret-9"));
    }

    @Test
    void aServerTrustedByNoCaIsRefusedEvenWhereGitSaysNotToVerify() throws Exception {
        Sha pinned = app.commit("v1", "requirements.txt", "flask==3.0\n");
        Files.writeString(credentials, "https://deploy:" + TOKEN + "@127.0.0.1:" + server.port() + "\n");
        try (org.eclipse.jgit.api.Git mirror = org.eclipse.jgit.api.Git.init().setBare(true)
                .setDirectory(tmp.resolve("mirrors2/hello.git").toFile()).call()) {
            mirror.getRepository().getConfig().setBoolean("http", null, "sslVerify", false);
            mirror.getRepository().getConfig().save();
        }
        try (GitSsh jdkTrustOnly = new GitSsh(Optional.empty(), Optional.empty(), tmp.resolve("state2"),
                new GitHttp(this::credentialsText, Optional.empty()));
                AppMirrors untrusting = new AppMirrors(tmp.resolve("mirrors2"), jdkTrustOnly, Clock.systemUTC())) {
            GitException e = assertThrows(GitException.class,
                    () -> untrusting.hasCommit("hello", server.url("hello"), pinned));
            assertTrue(e.getMessage().startsWith("cannot fetch app hello from " + server.url("hello") + ": TLS failed: "),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("needs that CA in trueup.git.ca-file)"), e.getMessage());
            assertFalse(everything(e).contains(TOKEN));
            assertTrue(server.requests.isEmpty(), () -> "requests that reached the server: " + server.requests);
        }
    }

    @Test
    void theDesiredStateIsFetchedWithTheSameCredentials() throws Exception {
        TestRepo desired = TestRepo.init(tmp.resolve("repos/desired"), "main");
        desired.commit("desired", "apps/hello/app.yaml", "source: /srv/hello.git\n");
        Files.writeString(credentials, "https://deploy:" + TOKEN + "@127.0.0.1:" + server.port() + "/desired\n");
        try (GitDesiredStateSource source = new GitDesiredStateSource(server.url("desired"), "main", Optional.empty(),
                tmp.resolve("desired.git"), transports)) {
            assertTrue(source.fetch().files().containsKey("apps/hello/app.yaml"));
        } finally {
            desired.close();
        }
    }

    private static String everything(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }
}
