package io.trueup.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.TrueupException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshKeysTest {

    @TempDir
    Path dir;

    @Test
    void writesAnIdentityInOpenSshFormatReadableByItsOwnerOnly() throws Exception {
        Path file = dir.resolve("id_ecdsa");

        KeyPair written = SshKeys.createIdentity(file);

        assertTrue(Files.readString(file).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        KeyPair read = SshKeys.readIdentity(file);
        assertEquals(written.getPublic(), read.getPublic());
        assertEquals(written.getPrivate(), read.getPrivate());
    }

    @Test
    void publicKeyLinesRoundTrip() {
        KeyPair keys = SshKeys.generate();

        String line = SshKeys.publicKeyLine(keys.getPublic());

        assertTrue(line.startsWith("ecdsa-sha2-nistp256 AAAA"), line);
        assertEquals(keys.getPublic(), SshKeys.parsePublicKey(line + " someone@somewhere"));
    }

    @Test
    void knownHostsLinesNameThePortUnlessItIs22() {
        KeyPair keys = SshKeys.generate();
        String key = SshKeys.publicKeyLine(keys.getPublic());

        assertEquals("[127.0.0.1]:2222 " + key, SshKeys.knownHostsLine("127.0.0.1", 2222, keys.getPublic()));
        assertEquals("web1.example.com " + key, SshKeys.knownHostsLine("web1.example.com", 22, keys.getPublic()));
    }

    @Test
    void aMissingIdentityIsReportedWithItsPath() {
        Path missing = dir.resolve("id_missing");

        TrueupException e = assertThrows(TrueupException.class, () -> SshKeys.readIdentity(missing));

        assertTrue(e.getMessage().startsWith("cannot read SSH identity " + missing), e.getMessage());
    }
}
