package io.trueup.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Host keys are checked strictly against known_hosts and never learnt. */
@Timeout(30)
class HostKeyCheckingTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final RemoteCommand HELLO = RemoteCommand.of("hello", "echo hello");

    @TempDir
    Path dir;
    SshFixture fixture;

    @BeforeEach
    void startHost() {
        fixture = SshFixture.in(dir);
    }

    @AfterEach
    void stopHost() throws Exception {
        fixture.close();
    }

    @Test
    void refusesAnUnknownHostKeyNamingHostAndFingerprint() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty_known_hosts"), "");
        MinaRemoteShell shell = fixture.shell(fixture.identity, empty);

        HostKeyException refused = assertThrows(HostKeyException.class,
                () -> shell.run(fixture.target(), HELLO, TIMEOUT));

        PublicKey hostKey = fixture.host().hostKey();
        assertEquals("host key of 127.0.0.1:" + fixture.host().port() + " is not in " + empty
                + " (ecdsa-sha2-nistp256 " + SshKeys.fingerprint(hostKey) + "): refusing to connect",
                refused.getMessage());
        assertFalse(refused.transientFailure());
        assertEquals("", Files.readString(empty), "the key was learnt");
        assertEquals(0, fixture.host().commandsRun());
    }

    @Test
    void refusesAHostWhenKnownHostsIsMissing() {
        MinaRemoteShell shell = fixture.shell(fixture.identity, dir.resolve("no_such_known_hosts"));

        HostKeyException refused = assertThrows(HostKeyException.class,
                () -> shell.run(fixture.target(), HELLO, TIMEOUT));

        assertTrue(refused.getMessage().contains("is not in"), refused.getMessage());
        assertFalse(Files.exists(dir.resolve("no_such_known_hosts")), "the key was learnt");
    }

    @Test
    void refusesAChangedHostKeyNamingBothFingerprints() {
        MinaRemoteShell shell = fixture.shell();
        PublicKey listed = fixture.host().hostKey();
        assertEquals("hello\n", shell.run(fixture.target(), HELLO, TIMEOUT).stdout());

        PublicKey sent = fixture.replaceHostWithAnotherKey().hostKey();

        HostKeyException refused = assertThrows(HostKeyException.class,
                () -> shell.run(fixture.target(), HELLO, TIMEOUT));
        assertEquals("host key of 127.0.0.1:" + fixture.host().port() + " CHANGED: " + fixture.knownHosts
                + " has " + SshKeys.fingerprint(listed) + ", host sent " + SshKeys.fingerprint(sent)
                + "; refusing to connect (possible man-in-the-middle)", refused.getMessage());
        assertEquals(0, fixture.host().commandsRun());
    }

    @Test
    void explainsAHostKnownOnlyByAKeyOfAnotherType() throws Exception {
        String ed25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
        Path knownHosts = Files.writeString(dir.resolve("ed25519_known_hosts"),
                "[127.0.0.1]:" + fixture.host().port() + " " + ed25519 + "\n");
        MinaRemoteShell shell = fixture.shell(fixture.identity, knownHosts);

        HostKeyException refused = assertThrows(HostKeyException.class,
                () -> shell.run(fixture.target(), HELLO, TIMEOUT));

        assertTrue(refused.getMessage().contains("CHANGED"), refused.getMessage());
        assertTrue(refused.getMessage().contains("known_hosts lists a key of type ssh-ed25519 but the host sent"
                + " one of type ecdsa-sha2-nistp256"), refused.getMessage());
    }

    @Test
    void acceptsAHashedKnownHostsEntry() throws Exception {
        String pattern = "[127.0.0.1]:" + fixture.host().port();
        String key = SshKeys.publicKeyLine(fixture.host().hostKey());
        Path hashed = Files.writeString(dir.resolve("hashed_known_hosts"), hashedHost(pattern) + " " + key + "\n");
        MinaRemoteShell shell = fixture.shell(fixture.identity, hashed);

        assertEquals("hello\n", shell.run(fixture.target(), HELLO, TIMEOUT).stdout());
    }

    @Test
    void keepsTheSameHostKeyAcrossRestarts() {
        MinaRemoteShell shell = fixture.shell();
        PublicKey before = fixture.host().hostKey();

        fixture.host().stop();
        fixture.host().start();

        assertEquals(before, fixture.host().hostKey());
        assertEquals("hello\n", shell.run(fixture.target(), HELLO, TIMEOUT).stdout());
    }

    /** {@code |1|salt|HMAC-SHA1(salt, host)}, as {@code ssh-keygen -H} writes it. */
    private static String hashedHost(String pattern) throws Exception {
        byte[] salt = new byte[20];
        new java.security.SecureRandom().nextBytes(salt);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(salt, "HmacSHA1"));
        byte[] hash = mac.doFinal(pattern.getBytes(StandardCharsets.UTF_8));
        Base64.Encoder base64 = Base64.getEncoder();
        return "|1|" + base64.encodeToString(salt) + "|" + base64.encodeToString(hash);
    }
}
