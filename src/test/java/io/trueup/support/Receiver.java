package io.trueup.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on 127.0.0.1 that records every request it gets and answers each with
 * {@link #status}, or holds it until closed when {@link #hang} is set: a notification target
 * for tests.
 */
public final class Receiver implements AutoCloseable {

    /** A request as it came. */
    public record Request(String method, String path, Map<String, List<String>> headers, String body) {
        /** The first value of header {@code name}, or "". */
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse("");
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    /** The status every request is answered with. */
    public volatile int status = 204;
    /** Whether requests are held, unanswered, until the server closes. */
    public volatile boolean hang;
    /** Whether requests are answered 200 with a body that drips, a byte at a time, until the server closes. */
    public volatile boolean drip;

    public Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                        Map.copyOf(exchange.getRequestHeaders()), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
            if (hang) {
                try {
                    closing.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (drip) {
                exchange.sendResponseHeaders(200, 0);
                try (var out = exchange.getResponseBody()) {
                    while (!closing.await(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                        out.write('.');
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // the client gave up on the answer, or the server closes
                }
                return;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Whether {@code count} requests came within {@code limit}. */
    public boolean received(int count, Duration limit) throws InterruptedException {
        return Fleet.within(limit, () -> requests.size() >= count);
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
