package io.trueup.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The embedded demo with every token set: reads, actions and metrics; its state directory is one
 * trueup makes itself.
 */
public class ReadTokenProfile extends DemoProfile {

    public static final String READ_TOKEN = "read-t0ken-for-the-dashboard";
    static final String ACTION_TOKEN = "act-t0ken";
    static final String METRICS_TOKEN = "scrape-t0ken";
    static final Path STATE_DIR = stateDir();

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.put("trueup.api.read-token", READ_TOKEN);
        config.put("trueup.api.token", ACTION_TOKEN);
        config.put("trueup.metrics.token", METRICS_TOKEN);
        config.put("trueup.demo.app-port", "28400");
        config.put("trueup.state-dir", STATE_DIR.toString());
        return config;
    }

    private static Path stateDir() {
        try {
            return Files.createTempDirectory("trueup-read-token-test").resolve("var/lib/trueup");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
