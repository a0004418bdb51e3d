package io.trueup.ssh;

import io.trueup.TrueupException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;

/**
 * An SSH server on 127.0.0.1 standing for one host, for tests and the embedded demo. It runs
 * each exec request as {@code /bin/sh -c <command line>} in the host's root directory, with
 * {@code PATH} inherited, {@code HOME} set to the root, {@code USER} and {@code LOGNAME} set to
 * the user name logged in with, plus the host's own environment variables.
 *
 * <p>It accepts exactly one public key, for any user name, and nothing else. Its host key is
 * kept in a file, made on first use, so a server restarted with the same file presents the
 * same key; or it is given several host keys, as real hosts have, and presents the one whose
 * type the client prefers. {@link #stop()} and {@link #start()} take the host down and bring it back on the
 * same port. All methods are safe to call from any thread.
 */
public final class EmbeddedSshServer implements AutoCloseable {

    private static final String LOOPBACK = "127.0.0.1";

    private final Path root;
    private final KeyPairProvider hostKeys;
    private final PublicKey authorizedKey;
    private final Map<String, String> environment;
    private final List<String> commandLines = new CopyOnWriteArrayList<>();
    private final Set<String> users = ConcurrentHashMap.newKeySet();
    private int port;
    private String address = LOOPBACK;
    private SshServer server;

    /**
     * @param root the host's root directory (made if missing): working directory and HOME
     * @param hostKeyFile where the host key is kept; made on first use
     * @param authorizedKey the one client key allowed in
     * @param environment extra environment variables for every command
     * @param port the port to listen on; 0 for any free one, kept across restarts
     */
    public EmbeddedSshServer(Path root, Path hostKeyFile, PublicKey authorizedKey,
            Map<String, String> environment, int port) {
        this(root, ecdsaKeyIn(hostKeyFile), authorizedKey, environment, port);
    }

    /**
     * A host with several host keys, e.g. an ECDSA and an ed25519 one, kept for its lifetime.
     *
     * @param hostKeys the host keys, at most one of each type; {@link #hostKey()} is the first
     * @see #EmbeddedSshServer(Path, Path, PublicKey, Map, int) for the other parameters
     */
    public EmbeddedSshServer(Path root, List<KeyPair> hostKeys, PublicKey authorizedKey,
            Map<String, String> environment, int port) {
        this(root, KeyPairProvider.wrap(List.copyOf(hostKeys)), authorizedKey, environment, port);
    }

    private EmbeddedSshServer(Path root, KeyPairProvider hostKeys, PublicKey authorizedKey,
            Map<String, String> environment, int port) {
        this.root = createDirectories(root).toAbsolutePath();
        this.hostKeys = hostKeys;
        this.authorizedKey = Objects.requireNonNull(authorizedKey, "authorizedKey");
        this.environment = Map.copyOf(environment);
        this.port = port;
        hostKey();
    }

    /**
     * Listens on the IPv6 loopback {@code ::1} from the next {@link #start}, rather than on
     * 127.0.0.1. Returns this server.
     */
    public synchronized EmbeddedSshServer onIpv6Loopback() {
        address = "::1";
        return this;
    }

    /** The loopback address this server listens on: {@code 127.0.0.1} or {@code ::1}. */
    public synchronized String address() {
        return address;
    }

    /** Starts listening, on the same port as before if it ran already. Returns this server. */
    public synchronized EmbeddedSshServer start() {
        if (server != null) {
            return this;
        }
        SshServer fresh = SshServer.setUpDefaultServer();
        fresh.setHost(address);
        fresh.setPort(port);
        fresh.setKeyPairProvider(hostKeys);
        fresh.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        fresh.setPasswordAuthenticator(null);
        fresh.setKeyboardInteractiveAuthenticator(null);
        fresh.setPublickeyAuthenticator(this::authorize);
        fresh.setCommandFactory(this::command);
        try {
            fresh.start();
        } catch (IOException e) {
            throw new TrueupException("cannot listen on " + address + " port " + port + ": " + e.getMessage(), e);
        }
        port = fresh.getPort();
        server = fresh;
        return this;
    }

    /** Stops listening and drops every session, killing the commands still running. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.stop(true);
        } catch (IOException e) {
            throw new TrueupException("cannot stop SSH server on port " + port + ": " + e.getMessage(), e);
        } finally {
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized boolean running() {
        return server != null;
    }

    /** The port listened on (or last listened on, when stopped); 0 before the first start. */
    public synchronized int port() {
        return port;
    }

    public Path root() {
        return root;
    }

    /** The public key this host presents; the first one, if it has several. */
    public PublicKey hostKey() {
        return hostKeys().getFirst();
    }

    /** Every public key this host can present. */
    public List<PublicKey> hostKeys() {
        List<PublicKey> keys = new ArrayList<>();
        try {
            hostKeys.loadKeys(null).forEach(pair -> keys.add(pair.getPublic()));
        } catch (IOException | GeneralSecurityException e) {
            throw new TrueupException("cannot load the host keys of " + LOOPBACK + ":" + port + ": " + e.getMessage(), e);
        }
        if (keys.isEmpty()) {
            throw new TrueupException("no host key for " + LOOPBACK + ":" + port);
        }
        return keys;
    }

    /** How many exec requests this host has received since it was made. */
    public int commandsRun() {
        return commandLines.size();
    }

    /** The command lines of every exec request received, oldest first. */
    public List<String> commandLines() {
        return List.copyOf(commandLines);
    }

    /** The user names that logged in successfully. */
    public Set<String> usersSeen() {
        return Set.copyOf(users);
    }

    private boolean authorize(String user, PublicKey key, ServerSession session) {
        boolean known = KeyUtils.compareKeys(authorizedKey, key);
        if (known) {
            users.add(user);
        }
        return known;
    }

    private Command command(ChannelSession channel, String commandLine) {
        commandLines.add(commandLine);
        String user = channel.getSession().getUsername();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", Objects.requireNonNullElse(System.getenv("PATH"), "/usr/local/bin:/usr/bin:/bin"));
        env.put("HOME", root.toString());
        env.put("USER", user);
        env.put("LOGNAME", user);
        env.putAll(environment);
        return new HostProcess(commandLine, root, env);
    }

    private static KeyPairProvider ecdsaKeyIn(Path hostKeyFile) {
        SimpleGeneratorHostKeyProvider provider = new SimpleGeneratorHostKeyProvider(hostKeyFile);
        provider.setAlgorithm(KeyUtils.EC_ALGORITHM);
        provider.setKeySize(256);
        return provider;
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new TrueupException("cannot make host root " + dir + ": " + e.getMessage(), e);
        }
    }
}
