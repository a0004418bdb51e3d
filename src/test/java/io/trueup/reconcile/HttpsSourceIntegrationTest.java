package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.status.AppStatus;
import io.trueup.status.SyncStatus;
import io.trueup.support.Fleet;
import io.trueup.support.GitHttpsServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app whose {@code source} is an https URL, served by a real git smart-HTTP server over TLS
 * with Basic authentication ({@code git http-backend} on 127.0.0.1), deployed to a host served by
 * MINA's SSH server; the login comes from {@code git-credentials} in trueup's secrets directory,
 * and never shows in the status, the history, the log or any file trueup writes.
 */
@Timeout(180)
class HttpsSourceIntegrationTest {

    private static final String TOKEN = "ghp-test-7c1e93b2d4";
    private static final String WRONG = "expired-token-55aa";

    @TempDir
    Path dir;

    Fleet fleet;
    GitHttpsServer server;
    final List<String> logged = new CopyOnWriteArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record instanceof org.jboss.logmanager.ExtLogRecord ext ? ext.getFormattedMessage()
                    : record.getMessage();
            logged.add(message + " " + record.getThrown());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void fleet() throws Exception {
        fleet = new Fleet(dir, 1, Map.of());
        server = GitHttpsServer.start(fleet.app.dir().getParent(), dir.resolve("git-server"), "deploy", TOKEN);
        Files.copy(server.caFile(), fleet.gitCaFile);
        fleet.appSource = server.url(fleet.app.dir().getFileName().toString());
        java.util.logging.Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void close() {
        java.util.logging.Logger.getLogger("").removeHandler(capture);
        server.close();
        fleet.close();
    }

    @Test
    void deploysAnAppFetchedOverHttpsWithTheLoginOfTheSecretsDirectory() throws Exception {
        writeCredentials(TOKEN);
        String sha = fleet.app.head();
        fleet.deploy(sha, "");

        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Synced, status.status(), () -> "status: " + status);
        assertEquals(sha, fleet.currentSha(0));
        assertTrue(server.requests.stream().anyMatch(r -> r.contains("git-upload-pack")), () -> "" + server.requests);
        assertTrue(logged.stream().anyMatch(l -> l.contains("rolling out")), () -> "log: " + logged);
        assertSecretNowhere(TOKEN);
    }

    @Test
    void aWrongLoginLeavesTheHostsAloneWithAnErrorThatDoesNotHoldIt() throws Exception {
        writeCredentials(WRONG);
        fleet.deploy(fleet.app.head(), "");

        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        String error = status.error().orElse("") + status.problems();
        assertTrue(error.contains("cannot fetch app hello from " + fleet.appSource), () -> "status: " + status);
        assertTrue(error.toLowerCase().contains("auth"), () -> "status: " + status);
        assertEquals(List.of(), fleet.server(0).commandLines(), "commands that reached the host");
        assertSecretNowhere(WRONG);

        writeCredentials(TOKEN);
        fleet.reconciler.runOnce();
        assertEquals(SyncStatus.Synced, fleet.status().status(), () -> "after the rotation: " + fleet.status());
        assertSecretNowhere(TOKEN);
    }

    private void writeCredentials(String token) throws IOException {
        Files.writeString(fleet.secrets.resolve("git-credentials"),
                "https://deploy:" + token + "@127.0.0.1:" + server.port() + "\n");
    }

    /** Not in the status, the log, nor any file under the fleet's directory but the credentials file itself. */
    private void assertSecretNowhere(String secret) throws IOException {
        assertFalse(String.valueOf(fleet.status()).contains(secret), "the status holds the secret");
        assertFalse(String.join("\n", logged).contains(secret), "the log holds the secret");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (!file.equals(fleet.secrets.resolve("git-credentials"))) {
                    byte[] bytes = Files.readAllBytes(file);
                    assertFalse(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).contains(secret),
                            () -> file + " holds the secret");
                }
            }
        }
    }
}
