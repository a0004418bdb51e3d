package io.trueup.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Keys as users have them: made by OpenSSH's ssh-keygen, ed25519 by default. */
@Timeout(60)
class OpenSshKeysTest {

    @Test
    void logsInWithAnEd25519KeyFromSshKeygen(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("id_ed25519");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ops@example",
                "-f", key.toString()).redirectErrorStream(true).start();
        keygen.waitFor(20, TimeUnit.SECONDS);
        assertEquals(0, keygen.exitValue());
        String publicLine = Files.readString(dir.resolve("id_ed25519.pub")).strip();
        Path knownHosts = dir.resolve("known_hosts");

        try (EmbeddedSshServer host = new EmbeddedSshServer(dir.resolve("host"), dir.resolve("host_key"),
                SshKeys.parsePublicKey(publicLine), Map.of(), 0).start();
                MinaRemoteShell shell = addHostAndConnect(host, knownHosts, key)) {
            CommandResult result = shell.run(new SshTarget("127.0.0.1", host.port(), "deploy"),
                    RemoteCommand.of("echo", "echo \"$1\"", "ok"), Duration.ofSeconds(10));

            assertEquals("ok\n", result.stdout());
        }
    }

    private static MinaRemoteShell addHostAndConnect(EmbeddedSshServer host, Path knownHosts, Path key) {
        SshKeys.addKnownHost(knownHosts, "127.0.0.1", host.port(), host.hostKey());
        return new MinaRemoteShell(key, knownHosts, Duration.ofSeconds(5));
    }
}
