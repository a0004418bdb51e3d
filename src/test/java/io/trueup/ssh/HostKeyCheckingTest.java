package io.trueup.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
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
    void refusesAHostThatOffersNoKeyOfTheTypesListedForItNamingThem() throws Exception {
        String ed25519 = SshKeys.publicKeyLine(SshFixture.newHostKey("ssh-ed25519").getPublic());
        Path knownHosts = Files.writeString(dir.resolve("ed25519_known_hosts"),
                "[127.0.0.1]:" + fixture.host().port() + " " + ed25519 + "\n");
        MinaRemoteShell shell = fixture.shell(fixture.identity, knownHosts);

        HostKeyException refused = assertThrows(HostKeyException.class,
                () -> shell.run(fixture.target(), HELLO, TIMEOUT));

        assertEquals("host key of 127.0.0.1:" + fixture.host().port() + " is not in " + knownHosts
                + " (ecdsa-sha2-nistp256 " + SshKeys.fingerprint(fixture.host().hostKey())
                + "); known_hosts lists only ssh-ed25519 keys for it: refusing to connect", refused.getMessage());
        assertEquals(0, fixture.host().commandsRun());
    }

    @Test
    void acceptsAHashedKnownHostsEntry() throws Exception {
        String pattern = "[127.0.0.1]:" + fixture.host().port();
        String key = SshKeys.publicKeyLine(fixture.host().hostKey());
        Path hashed = Files.writeString(dir.resolve("hashed_known_hosts"), SshFixture.hashedHost(pattern) + " " + key + "\n");
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
}
