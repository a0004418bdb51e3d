package io.trueup.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.ssh.CommandResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A command run on this machine as a host's sshd would run one, for tests of the host scripts. */
public final class LocalCommand {

    private LocalCommand() {
    }

    /**
     * Runs {@code line} in {@code dir} with {@code input} on its stdin, and waits at most 30 s for it.
     * A command that stops reading its input early is not an error here: its exit says why.
     */
    public static CommandResult run(Path dir, List<String> line, byte[] input) throws IOException {
        Process process = new ProcessBuilder(line).directory(dir.toFile()).start();
        try {
            process.getOutputStream().write(input);
            process.getOutputStream().close();
        } catch (IOException e) {
            // the command stopped reading: its exit says why
        }
        try {
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            return new CommandResult(process.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8), Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
