package io.trueup.cluster;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.trueup.api.DemoProfile;
import io.trueup.support.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * trueup as one replica ({@code trueup.store=postgresql}) of the embedded demo, on a real
 * PostgreSQL that {@link Database} starts for it, as an operator would configure it.
 */
public class ReplicaProfile extends DemoProfile {

    static final String REPLICA = "it-replica";
    static final String TOKEN = "replica-act-t0ken";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.put("trueup.demo.app-port", "28520");
        config.put("trueup.api.token", TOKEN);
        config.put("trueup.store", "postgresql");
        config.put("trueup.cluster.replica", REPLICA);
        config.put("trueup.cluster.checkin-interval", "1s");
        config.put("trueup.cluster.lease-ttl", "5s");
        return config;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Database.class));
    }

    /** The database of the replica: started before trueup, removed after. */
    public static final class Database implements QuarkusTestResourceLifecycleManager {

        static PostgresServer server;

        @Override
        public Map<String, String> start() {
            try {
                server = PostgresServer.started();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("quarkus.datasource.jdbc.url", server.jdbcUrl(), "quarkus.datasource.username",
                    server.user(), "quarkus.datasource.password", server.password());
        }

        @Override
        public void stop() {
            if (server != null) {
                server.close();
            }
        }
    }
}
