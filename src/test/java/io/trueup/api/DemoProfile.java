package io.trueup.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

/** Runs trueup on its embedded demo, on free ports, in a fresh state directory. */
public class DemoProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            return Map.of(
                    "trueup.demo.enabled", "true",
                    "trueup.demo.port", "0",
                    "trueup.demo.app-port", "28100",
                    "trueup.state-dir", Files.createTempDirectory("trueup-demo-test").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
