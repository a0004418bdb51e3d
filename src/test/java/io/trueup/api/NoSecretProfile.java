package io.trueup.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

/** trueup with nothing configured: no demo, no desired state, no webhook secret. Starts in a moment. */
public class NoSecretProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            return Map.of("trueup.demo.enabled", "false",
                    "trueup.state-dir", Files.createTempDirectory("trueup-nosecret-test").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
