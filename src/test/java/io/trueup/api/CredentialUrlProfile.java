package io.trueup.api;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/**
 * trueup following a desired-state repository at an {@code http://user:token@...} URL (as {@code https://}, without TLS), served by
 * a real HTTP server (the JDK's) that refuses every request with 401, as a git server does for a
 * revoked token.
 */
public class CredentialUrlProfile implements QuarkusTestProfile {

    static final String TOKEN = "ghp_d0NotSh0wMe";

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            return Map.of("trueup.demo.enabled", "false",
                    "trueup.state-dir", Files.createTempDirectory("trueup-credential-url-test").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(RefusingGitServer.class));
    }

    /** An HTTP server on 127.0.0.1 that answers 401 to everything. */
    public static class RefusingGitServer implements QuarkusTestResourceLifecycleManager {

        private HttpServer server;

        @Override
        public Map<String, String> start() {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/", exchange -> {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
            });
            server.start();
            return Map.of("trueup.desired-state.url", "http://deploy:" + TOKEN + "@127.0.0.1:"
                    + server.getAddress().getPort() + "/acme/desired-state.git");
        }

        @Override
        public void stop() {
            if (server != null) {
                server.stop(0);
            }
        }
    }
}
