package io.trueup.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host with keys of several types is reached through whichever of them known_hosts lists,
 * as with OpenSSH; MINA alone would always negotiate ECDSA, which users rarely list.
 */
@Timeout(30)
class HostKeyTypeOrderTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final RemoteCommand HELLO = RemoteCommand.of("hello", "echo hello");

    @TempDir
    Path dir;
    SshFixture fixture;
    KeyPair ecdsa = SshFixture.newHostKey("ecdsa-sha2-nistp256");
    KeyPair ed25519 = SshFixture.newHostKey("ssh-ed25519");

    @BeforeEach
    void startFixture() {
        fixture = SshFixture.in(dir);
    }

    @AfterEach
    void stopHosts() throws Exception {
        fixture.close();
    }

    @Test
    void connectsToAHostKnownOnlyByItsEd25519Key() throws Exception {
        EmbeddedSshServer host = fixture.startHostWith("both", ecdsa, ed25519);
        MinaRemoteShell shell = shellKnowing(line(host, ed25519.getPublic()));

        assertEquals("hello\n", shell.run(target(host), HELLO, TIMEOUT).stdout());
    }

    @Test
    void connectsToAHostKnownOnlyByItsEcdsaKey() throws Exception {
        EmbeddedSshServer host = fixture.startHostWith("both", ed25519, ecdsa);
        MinaRemoteShell shell = shellKnowing(line(host, ecdsa.getPublic()));

        assertEquals("hello\n", shell.run(target(host), HELLO, TIMEOUT).stdout());
    }

    @Test
    void connectsToAHostKnownOnlyByAHashedEd25519Line() throws Exception {
        EmbeddedSshServer host = fixture.startHostWith("both", ecdsa, ed25519);
        String hashed = SshFixture.hashedHost("[127.0.0.1]:" + host.port()) + " "
                + SshKeys.publicKeyLine(ed25519.getPublic());
        MinaRemoteShell shell = shellKnowing(hashed);

        assertEquals("hello\n", shell.run(target(host), HELLO, TIMEOUT).stdout());
    }

    @Test
    void ordersEachSessionByTheKeysListedForItsOwnHost() throws Exception {
        EmbeddedSshServer knownByEd25519 = fixture.startHostWith("a", ecdsa, ed25519);
        EmbeddedSshServer knownByEcdsa = fixture.startHostWith("b", ecdsa, ed25519);
        MinaRemoteShell shell = shellKnowing(line(knownByEd25519, ed25519.getPublic()) + "\n"
                + line(knownByEcdsa, ecdsa.getPublic()));

        assertEquals("hello\n", shell.run(target(knownByEd25519), HELLO, TIMEOUT).stdout());
        assertEquals("hello\n", shell.run(target(knownByEcdsa), HELLO, TIMEOUT).stdout());
        assertEquals(2, shell.sessionsOpened());
    }

    @Test
    void stillRefusesAChangedKeyOfTheListedType() throws Exception {
        EmbeddedSshServer host = fixture.startHostWith("both", ecdsa, ed25519);
        PublicKey listed = SshFixture.newHostKey("ssh-ed25519").getPublic();
        MinaRemoteShell shell = shellKnowing(line(host, listed));

        HostKeyException refused = assertThrows(HostKeyException.class, () -> shell.run(target(host), HELLO, TIMEOUT));

        assertTrue(refused.getMessage().contains("CHANGED: " + dir.resolve("multi_known_hosts") + " has "
                + SshKeys.fingerprint(listed) + ", host sent " + SshKeys.fingerprint(ed25519.getPublic())),
                refused.getMessage());
        assertEquals(0, host.commandsRun());
    }

    private MinaRemoteShell shellKnowing(String knownHostsLines) throws Exception {
        Path knownHosts = Files.writeString(dir.resolve("multi_known_hosts"), knownHostsLines + "\n");
        return fixture.shell(fixture.identity, knownHosts);
    }

    private static String line(EmbeddedSshServer host, PublicKey key) {
        return SshKeys.knownHostsLine("127.0.0.1", host.port(), key);
    }

    private static SshTarget target(EmbeddedSshServer host) {
        return new SshTarget("127.0.0.1", host.port(), SshFixture.USER);
    }
}
