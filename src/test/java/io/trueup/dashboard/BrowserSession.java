package io.trueup.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One page of a real headless Chromium driven through its DevTools protocol, for what a person
 * does in a browser: open a URL, type into a field, submit a form, read what the page shows.
 * Every wait is bounded; {@link #close} kills the browser.
 */
final class BrowserSession implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");

    private final ObjectMapper json = new ObjectMapper();
    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();

    BrowserSession() throws Exception {
        Path binary = Path.of(System.getenv().getOrDefault("TRUEUP_CHROMIUM", "/usr/bin/chromium"));
        profile = Files.createTempDirectory("trueup-chromium-session");
        process = new ProcessBuilder(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String browser = devtoolsUrl();
        HttpClient http = HttpClient.newHttpClient();
        URI list = URI.create(browser.replaceFirst("^ws://([^/]+)/.*$", "http://$1/json/list"));
        JsonNode targets = json.readTree(http.send(java.net.http.HttpRequest.newBuilder(list).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body());
        String page = null;
        for (JsonNode t : targets) {
            if ("page".equals(t.path("type").asText())) {
                page = t.path("webSocketDebuggerUrl").asText();
            }
        }
        if (page == null) {
            throw new IllegalStateException("chromium shows no page: " + targets);
        }
        socket = http.newWebSocketBuilder().buildAsync(URI.create(page), new Answers()).get(30, TimeUnit.SECONDS);
    }

    /** Opens {@code url} and waits until the page (after any redirects) has loaded. */
    void open(String url) {
        call("Page.navigate", Map.of("url", url));
        waitFor("document.readyState === 'complete' && location.href !== 'about:blank'");
    }

    /** The value of a JavaScript expression in the page. */
    String eval(String expression) {
        JsonNode result = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        return result.path("result").path("value").asText();
    }

    /** Waits until {@code condition} is true in the page; fails after {@link #WAIT}. */
    void waitFor(String condition) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            if ("true".equals(eval("(function(){try{return !!(" + condition + ")}catch(e){return false}})()"))) {
                return;
            }
            sleep();
        }
        throw new IllegalStateException("not true within " + WAIT + ": " + condition + " at " + eval("location.href"));
    }

    private JsonNode call(String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        answers.put(id, answer);
        try {
            socket.sendText(json.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true);
            JsonNode reply = answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (reply.has("error")) {
                throw new IllegalStateException(method + ": " + reply.get("error"));
            }
            return reply.path("result");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(method + " failed", e);
        } finally {
            answers.remove(id);
        }
    }

    private String devtoolsUrl() throws IOException {
        BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        for (int i = 0; i < 200; i++) {
            String line = err.readLine();
            if (line == null) {
                break;
            }
            Matcher m = DEVTOOLS.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> err.lines().forEach(l -> { }));
                drain.setDaemon(true);
                drain.start();
                return m.group(1);
            }
        }
        throw new IllegalStateException("chromium printed no DevTools address");
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        socket.abort();
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            try (var all = Files.walk(profile)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (IOException | InterruptedException e) {
            // a leftover profile directory is harmless
        }
    }

    /** Collects each message (in parts) and completes the call it answers. */
    private final class Answers implements WebSocket.Listener {

        private final StringBuilder message = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                try {
                    JsonNode node = json.readTree(message.toString());
                    CompletableFuture<JsonNode> answer = node.has("id") ? answers.get(node.get("id").asInt()) : null;
                    if (answer != null) {
                        answer.complete(node);
                    }
                } catch (IOException e) {
                    // not an answer to a call
                }
                message.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }
}
