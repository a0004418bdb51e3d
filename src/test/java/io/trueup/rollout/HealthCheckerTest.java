package io.trueup.rollout;

import static io.trueup.support.Specs.env;
import static io.trueup.support.Specs.sha;
import static io.trueup.support.Specs.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.trueup.desired.AppSpec;
import io.trueup.desired.Health;
import io.trueup.desired.HostAddress;
import io.trueup.support.FakeRemoteShell;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP health check against a real server that answers with bodies that never end or drip. */
@Timeout(120)
class HealthCheckerTest {

    /** What the server would send at most, were nothing to stop it: far more than a check should read. */
    private static final long ENDLESS = 256L * 1024 * 1024;

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicLong sent = new AtomicLong();
    private final CountDownLatch answered = new CountDownLatch(1);
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
        threads.shutdownNow();
    }

    @Test
    void aHealthyAnswerWithAnEndlessBodyPassesWithoutReadingIt() throws Exception {
        serve(200, 64 * 1024, Duration.ZERO);

        Optional<StepFailure> failure = checker().check(checked(Duration.ofSeconds(10)), host());

        assertEquals(Optional.empty(), failure);
        assertTrue(answered.await(30, TimeUnit.SECONDS), "the server's answer ended when the client went");
        assertTrue(sent.get() < 32L * 1024 * 1024, "the server could send only " + sent.get() + " bytes");
    }

    @Test
    void aFailedAnswerWithAnEndlessBodyFailsOnAShortPrefixOfIt() throws Exception {
        serve(503, 64 * 1024, Duration.ZERO);

        Optional<StepFailure> failure = checker().check(checked(Duration.ofSeconds(10)), host());

        assertTrue(failure.isPresent());
        String output = failure.get().output();
        assertTrue(output.contains("answered 503: xxxx"), output);
        assertTrue(output.length() < 1000, "the output is a short prefix: " + output.length() + " characters");
        assertTrue(answered.await(30, TimeUnit.SECONDS), "the server's answer ended when the client went");
        assertTrue(sent.get() < 32L * 1024 * 1024, "the server could send only " + sent.get() + " bytes");
    }

    @Test
    void aHealthyAnswerWhoseBodyDripsPassesAtOnce() throws Exception {
        serve(200, 1, Duration.ofMillis(50));

        long start = System.nanoTime();
        Optional<StepFailure> failure = checker().check(checked(Duration.ofSeconds(1)), host());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals(Optional.empty(), failure);
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took);
    }

    @Test
    void aFailedAnswerWhoseBodyDripsFailsWithinTheCheckTimeout() throws Exception {
        serve(503, 1, Duration.ofMillis(50));

        long start = System.nanoTime();
        Optional<StepFailure> failure = checker().check(checked(Duration.ofSeconds(1)), host());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertTrue(failure.isPresent());
        assertTrue(failure.get().message().contains("did not pass within 1000ms"), failure.get().message());
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "a 1 s check took " + took);
    }

    /**
     * Serves every GET with {@code status} and a body of 'x's written {@code chunk} bytes at a
     * time, {@code pause} apart, until the client goes or {@link #ENDLESS} bytes (or 20 s of
     * drips) have gone; counts the bytes it could send.
     */
    private void serve(int status, int chunk, Duration pause) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(threads);
        byte[] bytes = "x".repeat(chunk).getBytes();
        long rounds = pause.isZero() ? ENDLESS / chunk : 20_000 / pause.toMillis();
        server.createContext("/", exchange -> {
            try (OutputStream body = exchange.getResponseBody()) {
                exchange.sendResponseHeaders(status, 0);
                for (long i = 0; i < rounds; i++) {
                    body.write(bytes);
                    body.flush();
                    sent.addAndGet(chunk);
                    if (!pause.isZero()) {
                        Thread.sleep(pause);
                    }
                }
            } catch (IOException | InterruptedException e) {
                // The client went: what was sent is counted.
            } finally {
                answered.countDown();
            }
        });
        server.start();
    }

    private HealthChecker checker() {
        return new HealthChecker(new FakeRemoteShell(), HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5)).build(), Clock.systemUTC());
    }

    private static HostAddress host() {
        return HostAddress.parse("h1");
    }

    /** An app checked at the test server's URL, every 200 ms for at most {@code timeout}. */
    private AppSpec checked(Duration timeout) {
        AppSpec spec = spec(sha('a'), env('1'), "h1");
        Health health = new Health(Optional.of("http://127.0.0.1:" + server.getAddress().getPort() + "/healthz"),
                Optional.empty(), timeout, Duration.ofMillis(200), 3, Duration.ZERO);
        return new AppSpec(spec.id(), spec.source(), spec.path(), spec.user(), spec.requirements(), spec.wheelhouse(),
                spec.python(), spec.restart(), spec.stop(), health, spec.rollout(), spec.keep(), spec.selfHeal(),
                spec.sha(), spec.requirementsHash(), spec.hosts(), spec.file(), spec.recipe(), spec.rendered());
    }
}
