package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.trueup.status.AppStatus;
import io.trueup.status.SyncStatus;
import io.trueup.support.Fleet;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host named by its IPv6 address in desired state ({@code [::1]:port}): trueup logs in over
 * IPv6, checks its key against known_hosts as OpenSSH writes it ({@code [::1]:port}), pushes the
 * app's objects over the same connection, and checks its health at {@code http://[::1]:PORT/}:
 * a MINA SSH server and an HTTP server listening on {@code ::1} only.
 */
@Timeout(180)
class Ipv6HostIntegrationTest {

    @TempDir
    Path dir;

    Fleet fleet;
    HttpServer health;
    final List<InetAddress> healthClients = new CopyOnWriteArrayList<>();

    @BeforeEach
    void fleet() throws Exception {
        fleet = new Fleet(dir, 1, Map.of(), true);
        health = HttpServer.create(new InetSocketAddress(InetAddress.getByName("::1"), 0), 8);
        health.createContext("/", exchange -> {
            healthClients.add(exchange.getRemoteAddress().getAddress());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        health.start();
    }

    @AfterEach
    void close() {
        health.stop(0);
        fleet.close();
    }

    @Test
    void deploysToAnIpv6HostAndChecksItsHealthOverIpv6() throws Exception {
        String sha = fleet.app.head();
        String yaml = fleet.envYaml(sha, fleet.requirementsHash().toString(), "").replace(
                "command: .venv/bin/python -c 'import greeting'",
                "http: http://{host}:" + health.getAddress().getPort() + "/");
        fleet.writeEnv(yaml);

        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Synced, status.status(), () -> "status: " + status);
        assertEquals(sha, fleet.currentSha(0));
        assertEquals("[::1]:" + fleet.server(0).port(), status.hosts().get(0).host().toString());
        assertFalse(healthClients.isEmpty(), "the health check reached the host over IPv6");
        assertTrue(healthClients.stream().allMatch(a -> a instanceof Inet6Address), () -> "clients: " + healthClients);
    }

    @Test
    void anIpv6HostWithAChangedKeyIsRefusedByName() throws Exception {
        fleet.replaceHostKey(0);
        fleet.deploy(fleet.app.head(), "");

        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        String error = status.hosts().get(0).error().orElse("");
        assertTrue(error.contains("host key of [::1]:" + fleet.server(0).port() + " CHANGED"), () -> "status: " + status);
        assertEquals("", fleet.currentSha(0));
    }
}
