package io.trueup.ssh;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * A client identity, an embedded host on an ephemeral port that accepts it, a known_hosts file
 * that lists the host, and the shells made for it, all under one temporary directory.
 */
final class SshFixture implements AutoCloseable {

    static final String USER = "deploy";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    final Path dir;
    final Path identity;
    final Path knownHosts;
    final KeyPair clientKey;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private EmbeddedSshServer host;

    private SshFixture(Path dir, Map<String, String> hostEnvironment) {
        this.dir = dir;
        this.identity = dir.resolve("id_ecdsa");
        this.knownHosts = dir.resolve("known_hosts");
        this.clientKey = SshKeys.createIdentity(identity);
        this.host = track(new EmbeddedSshServer(dir.resolve("host"), dir.resolve("host_key"),
                clientKey.getPublic(), hostEnvironment, 0).start());
        SshKeys.addKnownHost(knownHosts, "127.0.0.1", host.port(), host.hostKey());
    }

    static SshFixture in(Path dir) {
        return new SshFixture(dir, Map.of());
    }

    static SshFixture in(Path dir, Map<String, String> hostEnvironment) {
        return new SshFixture(dir, hostEnvironment);
    }

    EmbeddedSshServer host() {
        return host;
    }

    SshTarget target() {
        return new SshTarget("127.0.0.1", host.port(), USER);
    }

    MinaRemoteShell shell() {
        return shell(identity, knownHosts);
    }

    MinaRemoteShell shell(Path identityFile, Path knownHostsFile) {
        return track(new MinaRemoteShell(identityFile, knownHostsFile, CONNECT_TIMEOUT));
    }

    /**
     * Starts another host, on an ephemeral port, that presents all of {@code hostKeys} and
     * accepts this fixture's identity. known_hosts does not list it.
     */
    EmbeddedSshServer startHostWith(String name, KeyPair... hostKeys) {
        return track(new EmbeddedSshServer(dir.resolve(name), List.of(hostKeys), clientKey.getPublic(),
                Map.of(), 0).start());
    }

    /** A new host key pair of the given SSH key type, e.g. {@code ssh-ed25519}. */
    static KeyPair newHostKey(String keyType) {
        try {
            return KeyUtils.generateKeyPair(keyType, keyType.startsWith("ssh-rsa") ? 3072 : 256);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + keyType + " key", e);
        }
    }

    /** {@code |1|salt|HMAC-SHA1(salt, pattern)}, a hashed known_hosts name as {@code ssh-keygen -H} writes it. */
    static String hashedHost(String pattern) {
        try {
            byte[] salt = new byte[20];
            new SecureRandom().nextBytes(salt);
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(salt, "HmacSHA1"));
            byte[] hash = mac.doFinal(pattern.getBytes(StandardCharsets.UTF_8));
            Base64.Encoder base64 = Base64.getEncoder();
            return "|1|" + base64.encodeToString(salt) + "|" + base64.encodeToString(hash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot hash " + pattern, e);
        }
    }

    /** Takes the host down and brings up, on the same port, one with a different host key. */
    EmbeddedSshServer replaceHostWithAnotherKey() {
        host.stop();
        host = track(new EmbeddedSshServer(dir.resolve("host"), dir.resolve("other_host_key"),
                clientKey.getPublic(), Map.of(), host.port()).start());
        return host;
    }

    private <T extends AutoCloseable> T track(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable closeable : closeables.reversed()) {
            closeable.close();
        }
    }
}
