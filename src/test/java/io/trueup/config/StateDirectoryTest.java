package io.trueup.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void aNewStateDirectoryIsPrivateToItsUser() throws IOException {
        Path dir = tmp.resolve("var/lib/trueup");

        StateDirectory.secure(dir);

        assertEquals("rwx------", mode(dir));
    }

    @Test
    void anOpenStateDirectoryAndWhatItHoldsAreClosedToOthers() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("trueup"));
        Path control = Files.writeString(dir.resolve("control.json"), "{}");
        Path mirror = Files.createDirectories(dir.resolve("mirrors/hello.git"));
        Path config = Files.writeString(mirror.resolve("config"), "[core]\n");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(control, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(mirror, PosixFilePermissions.fromString("rwxrwxr-x"));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-r--"));

        StateDirectory.secure(dir);

        assertAll(
                () -> assertEquals("rwx------", mode(dir)),
                () -> assertEquals("rw-------", mode(control)),
                () -> assertEquals("rwx------", mode(mirror)),
                () -> assertEquals("rw-------", mode(config)),
                () -> assertEquals("{}", Files.readString(control), "contents are kept"));
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
