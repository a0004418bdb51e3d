package io.trueup.support;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A real git smart-HTTP server over TLS on 127.0.0.1 for tests: {@code git http-backend} as a CGI
 * program behind the JDK's {@link HttpsServer}, serving every repository under one directory,
 * with HTTP Basic authentication by one user and password. Its certificate is self-signed, made
 * with the JDK's keytool for 127.0.0.1; {@link #caFile} holds it in PEM for the client to trust.
 */
public final class GitHttpsServer implements AutoCloseable {

    private static final String PASSWORD = "changeit-test";
    private static final long MAX_BODY = 64L * 1024 * 1024;

    private final HttpsServer server;
    private final Path caFile;
    private final Path work;
    private final Path root;
    /** The Authorization headers' users seen, and every request line, for assertions. */
    public final List<String> requests = new CopyOnWriteArrayList<>();

    private GitHttpsServer(HttpsServer server, Path caFile, Path work, Path root) {
        this.server = server;
        this.caFile = caFile;
        this.work = work;
        this.root = root;
    }

    /** Serves the repositories under {@code root} to {@code user} with {@code password}; keeps its files in {@code work}. */
    public static GitHttpsServer start(Path root, Path work, String user, String password) throws Exception {
        Files.createDirectories(work);
        Path keyStore = work.resolve("server.p12");
        Path caFile = work.resolve("ca.pem");
        Path made = keyMaterial();
        Files.copy(made.resolve("server.p12"), keyStore);
        Files.copy(made.resolve("ca.pem"), caFile);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(store, PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        GitHttpsServer git = new GitHttpsServer(server, caFile, work, root);
        var context = server.createContext("/", git::handle);
        context.setAuthenticator(new BasicAuthenticator("git") {
            @Override
            public boolean checkCredentials(String u, String p) {
                return user.equals(u) && password.equals(p);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        return git;
    }

    /** The https URL of the repository {@code name} under the root. */
    public String url(String name) {
        return "https://127.0.0.1:" + server.getAddress().getPort() + "/" + name;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The server's certificate in PEM, the one CA a client needs to trust it. */
    public Path caFile() {
        return caFile;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            Path body = Files.createTempFile(work, "body", ".bin");
            try {
                try (InputStream in = exchange.getRequestBody()) {
                    Files.write(body, in.readNBytes((int) MAX_BODY));
                }
                cgi(exchange, body);
            } finally {
                Files.deleteIfExists(body);
            }
        }
    }

    private void cgi(HttpExchange exchange, Path body) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("git", "http-backend");
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("GIT_"));
        env.put("GIT_PROJECT_ROOT", root.toString());
        env.put("GIT_HTTP_EXPORT_ALL", "1");
        env.put("GATEWAY_INTERFACE", "CGI/1.1");
        env.put("REQUEST_METHOD", exchange.getRequestMethod());
        env.put("PATH_INFO", exchange.getRequestURI().getPath());
        env.put("QUERY_STRING", exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery());
        env.put("CONTENT_LENGTH", Long.toString(Files.size(body)));
        env.put("REMOTE_USER", exchange.getPrincipal() == null ? "" : exchange.getPrincipal().getUsername());
        env.put("REMOTE_ADDR", "127.0.0.1");
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type != null) {
            env.put("CONTENT_TYPE", type);
        }
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        if (encoding != null) {
            env.put("HTTP_CONTENT_ENCODING", encoding);
        }
        String protocol = exchange.getRequestHeaders().getFirst("Git-Protocol");
        if (protocol != null) {
            env.put("GIT_PROTOCOL", protocol);
        }
        Path out = Files.createTempFile(work, "out", ".bin");
        try {
            Process process = builder.redirectInput(body.toFile()).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                exchange.sendResponseHeaders(504, -1);
                return;
            }
            respond(exchange, Files.readAllBytes(out));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.sendResponseHeaders(503, -1);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Sends the CGI output: its headers ({@code Status:} among them), a blank line, the body. */
    private static void respond(HttpExchange exchange, byte[] output) throws IOException {
        int end = -1;
        int skip = 0;
        for (int i = 0; i + 1 < output.length; i++) {
            if (output[i] == '\n' && output[i + 1] == '\n') {
                end = i;
                skip = 2;
                break;
            }
            if (i + 3 < output.length && output[i] == '\r' && output[i + 1] == '\n' && output[i + 2] == '\r'
                    && output[i + 3] == '\n') {
                end = i;
                skip = 4;
                break;
            }
        }
        if (end < 0) {
            exchange.sendResponseHeaders(502, -1);
            return;
        }
        int status = 200;
        for (String line : new String(output, 0, end, StandardCharsets.ISO_8859_1).split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (name.equalsIgnoreCase("Status")) {
                status = Integer.parseInt(value.split(" ", 2)[0]);
            } else {
                exchange.getResponseHeaders().add(name, value);
            }
        }
        int length = output.length - end - skip;
        exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
        if (length > 0) {
            exchange.getResponseBody().write(output, end + skip, length);
        }
    }

    private static Path keys;

    /** A key and certificate made once per test JVM: keytool takes seconds. */
    private static synchronized Path keyMaterial() throws Exception {
        if (keys == null) {
            Path dir = Files.createTempDirectory("trueup-git-https");
            Path keyStore = dir.resolve("server.p12");
            keytool("-genkeypair", "-alias", "git", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                    "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype",
                    "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD);
            keytool("-exportcert", "-rfc", "-alias", "git", "-keystore", keyStore.toString(), "-storepass",
                    PASSWORD, "-file", dir.resolve("ca.pem").toString());
            keys = dir;
        }
        return keys;
    }

    private static void keytool(String... args) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("keytool failed: " + new String(p.getInputStream().readAllBytes()));
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
