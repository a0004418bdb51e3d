package io.trueup.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.Sha;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class GitSshTest {

    @TempDir
    Path tmp;

    private KeyPair clientKey;
    private GitSshServer server;
    private TestRepo repo;
    private Sha head;

    @BeforeEach
    void setUp() throws Exception {
        clientKey = GitSshServer.newKeyPair();
        server = GitSshServer.start(clientKey.getPublic());
        repo = TestRepo.init(tmp.resolve("desired"), "main");
        head = repo.commit("hello", "apps/hello/app.yaml", "x\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        repo.close();
        server.close();
    }

    @Test
    void fetchesOverSshWithTheConfiguredIdentityAndKnownHosts() throws Exception {
        Path knownHosts = Files.writeString(tmp.resolve("known_hosts"), server.knownHostsLine());

        assertEquals(head.hex(), fetchWith(knownHosts).revision());
    }

    @Test
    void refusesAServerThatKnownHostsDoesNotList() throws Exception {
        Path knownHosts = Files.writeString(tmp.resolve("known_hosts"), "");

        var error = assertThrows(GitException.class, () -> fetchWith(knownHosts));

        assertEquals("cannot fetch branch main from " + url() + ": Server key did not validate", error.getMessage());
        assertEquals("", Files.readString(knownHosts), "an unknown key is never added");
    }

    @Test
    void refusesAServerWhoseKeyChanged() throws Exception {
        String otherKey = server.knownHostsLine(GitSshServer.newKeyPair().getPublic());
        Path knownHosts = Files.writeString(tmp.resolve("known_hosts"), otherKey);

        var error = assertThrows(GitException.class, () -> fetchWith(knownHosts));

        assertEquals("cannot fetch branch main from " + url() + ": Server key did not validate", error.getMessage());
        assertEquals(otherKey, Files.readString(knownHosts), "a changed key is never recorded");
    }

    @Test
    void refusesToLogInWithoutTheIdentity() throws Exception {
        Path knownHosts = Files.writeString(tmp.resolve("known_hosts"), server.knownHostsLine());

        try (GitSsh ssh = new GitSsh(Optional.empty(), Optional.of(knownHosts), tmp.resolve("state"));
                var source = new GitDesiredStateSource(url(), "main", Optional.empty(), tmp.resolve("mirror"), ssh)) {
            var error = assertThrows(GitException.class, source::fetch);

            assertTrue(error.getMessage().contains("publickey: no keys to try"),
                    "only the configured identity is offered, never default keys or an agent: " + error.getMessage());
        }
    }

    private Snapshot fetchWith(Path knownHosts) throws Exception {
        Path identity = GitSshServer.writeIdentity(clientKey, tmp.resolve("id_trueup"));
        try (GitSsh ssh = new GitSsh(Optional.of(identity), Optional.of(knownHosts), tmp.resolve("state"));
                var source = new GitDesiredStateSource(url(), "main", Optional.empty(), tmp.resolve("mirror"), ssh)) {
            return source.fetch();
        }
    }

    private String url() {
        return "ssh://git@127.0.0.1:" + server.port() + repo.dir().toAbsolutePath();
    }
}
