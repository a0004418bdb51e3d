package io.trueup.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * trueup serving HTTPS only, as docs/configuration.md says to set it up: a PKCS#12 key store made
 * here with the JDK's keytool (an EC key and a self-signed certificate for localhost and
 * 127.0.0.1), given to Quarkus's TLS registry, plain HTTP disabled.
 */
public class HttpsProfile implements QuarkusTestProfile {

    static final String PASSWORD = "changeit-test";
    static final Path KEY_STORE = keyStore();

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            return Map.of("trueup.demo.enabled", "false",
                    "trueup.state-dir", Files.createTempDirectory("trueup-https-test").toString(),
                    "quarkus.tls.key-store.p12.path", KEY_STORE.toString(),
                    "quarkus.tls.key-store.p12.password", PASSWORD,
                    "quarkus.http.insecure-requests", "disabled",
                    "quarkus.http.test-ssl-port", "0");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path keyStore() {
        try {
            Path file = Files.createTempDirectory("trueup-tls").resolve("trueup.p12");
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "trueup",
                    "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                    "-keystore", file.toString(), "-storepass", PASSWORD)).redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("keytool failed: " + new String(p.getInputStream().readAllBytes()));
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
