package io.trueup.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** trueup over HTTPS with a certificate made by the test, through Quarkus's TLS configuration. */
@QuarkusTest
@TestProfile(HttpsProfile.class)
@Timeout(120)
class HttpsIT {

    @TestHTTPResource(value = "/q/health/live", tls = true)
    URL health;

    @Test
    void servesHttpsWithTheConfiguredCertificate() throws Exception {
        KeyStore store = keyStore();
        HttpClient client = HttpClient.newBuilder().sslContext(trusting(store))
                .connectTimeout(Duration.ofSeconds(10)).build();

        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(health.toString())).build(),
                HttpResponse.BodyHandlers.ofString());

        assertTrue(health.toString().startsWith("https://"), health.toString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(store.getCertificate("trueup"), response.sslSession().orElseThrow().getPeerCertificates()[0]);
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefused() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        assertThrows(SSLHandshakeException.class, () -> client.send(
                HttpRequest.newBuilder(URI.create(health.toString())).build(), HttpResponse.BodyHandlers.ofString()));
    }

    private static KeyStore keyStore() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(HttpsProfile.KEY_STORE)) {
            store.load(in, HttpsProfile.PASSWORD.toCharArray());
        }
        return store;
    }

    private static SSLContext trusting(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
