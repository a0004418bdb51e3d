package io.trueup.ssh;

import io.trueup.TrueupException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Iterator;
import java.util.Set;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Makes, writes and reads the keys of trueup's SSH connections: a client identity in OpenSSH
 * format, its {@code authorized_keys} line, and {@code known_hosts} lines for hosts.
 *
 * <p>Keys made here are ECDSA P-256; keys read may be ed25519 (through Bouncy Castle, which
 * the build includes), ECDSA or RSA. Stateless and safe to call from any thread.
 */
public final class SshKeys {

    private static final String KEY_TYPE = KeyPairProvider.ECDSA_SHA2_NISTP256;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SshKeys() {
    }

    /** A new ECDSA P-256 key pair. */
    public static KeyPair generate() {
        try {
            return KeyUtils.generateKeyPair(KEY_TYPE, 256);
        } catch (GeneralSecurityException e) {
            throw new TrueupException("cannot generate an SSH key: " + e.getMessage(), e);
        }
    }

    /** Generates a key pair, writes its private half to {@code privateKeyFile}, returns it. */
    public static KeyPair createIdentity(Path privateKeyFile) {
        KeyPair keys = generate();
        writePrivateKey(keys, privateKeyFile);
        return keys;
    }

    /** Writes {@code keys} as an unencrypted OpenSSH private key readable by its owner only, making its directory if needed. */
    public static void writePrivateKey(KeyPair keys, Path file) {
        try (OutputStream out = ownerOnly(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(keys, "trueup", null, out);
        } catch (IOException | GeneralSecurityException e) {
            throw new TrueupException("cannot write SSH key " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads an unencrypted private key (OpenSSH or PEM format) and its public half. */
    public static KeyPair readIdentity(Path file) {
        Iterable<KeyPair> keys;
        try (InputStream in = Files.newInputStream(file)) {
            keys = SecurityUtils.loadKeyPairIdentities(
                    null, NamedResource.ofName(file.toString()), in, FilePasswordProvider.EMPTY);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new TrueupException("cannot read SSH identity " + file + ": " + e.getMessage()
                    + " (it must be an unencrypted ed25519, ECDSA or RSA key)", e);
        }
        Iterator<KeyPair> first = keys == null ? null : keys.iterator();
        if (first == null || !first.hasNext()) {
            throw new TrueupException("SSH identity " + file + " holds no private key");
        }
        return first.next();
    }

    /** {@code <type> <base64>}, the form of an {@code authorized_keys} or {@code .pub} line. */
    public static String publicKeyLine(PublicKey key) {
        return PublicKeyEntry.toString(key);
    }

    /** Parses an {@code authorized_keys} style line ({@code <type> <base64> [comment]}). */
    public static PublicKey parsePublicKey(String line) {
        try {
            return PublicKeyEntry.parsePublicKeyEntry(line.strip())
                    .resolvePublicKey(null, null, null);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new TrueupException("not a public key line: " + e.getMessage(), e);
        }
    }

    /** The {@code known_hosts} line for a host: {@code host} on port 22, else {@code [host]:port}. */
    public static String knownHostsLine(String host, int port, PublicKey hostKey) {
        String pattern = port == 22 ? host : "[" + host + "]:" + port;
        return pattern + " " + publicKeyLine(hostKey);
    }

    /** Appends {@link #knownHostsLine} to {@code knownHosts}, making the file and its directory if needed. */
    public static void addKnownHost(Path knownHosts, String host, int port, PublicKey hostKey) {
        try {
            createParent(knownHosts);
            Files.writeString(knownHosts, knownHostsLine(host, port, hostKey) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new TrueupException("cannot write " + knownHosts + ": " + e.getMessage(), e);
        }
    }

    /** The key's SHA-256 fingerprint as OpenSSH prints it: {@code SHA256:<base64>}. */
    public static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(key);
    }

    private static OutputStream ownerOnly(Path file) throws IOException {
        createParent(file);
        try {
            if (Files.exists(file)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            } else {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the platform's defaults apply
        }
        return Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }
}
