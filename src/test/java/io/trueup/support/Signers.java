package io.trueup.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * SSH signing keys and signed commits as people make them: keys from OpenSSH's {@code ssh-keygen},
 * commits signed by {@code git commit -S} with {@code gpg.format=ssh}.
 */
public final class Signers {

    private Signers() {
    }

    /** A new ed25519 key pair without passphrase: {@code dir/name} and {@code dir/name.pub}. */
    public static Path newKey(Path dir, String name) throws IOException {
        Path key = dir.resolve(name);
        run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name + "@example.com", "-f", key.toString());
        return key;
    }

    /** The public key of {@code key}, one line, as {@code ssh-keygen} wrote it. */
    public static String publicKey(Path key) throws IOException {
        return Files.readString(Path.of(key + ".pub")).strip();
    }

    /** A line of an allowed_signers file that lets {@code key} sign git commits as {@code principal}. */
    public static String allowed(String principal, Path key) throws IOException {
        return principal + " namespaces=\"git\" " + publicKey(key) + "\n";
    }

    /** Signs the newest commit of the work tree {@code repo} with {@code key} (amends it); returns its new id. */
    public static String signHead(Path repo, Path key) throws IOException {
        run(repo, "git", "-c", "gpg.format=ssh", "-c", "user.signingkey=" + key, "-c", "user.name=Signer",
                "-c", "user.email=signer@example.com", "commit", "-q", "--amend", "--no-edit", "-S");
        return run(repo, "git", "rev-parse", "HEAD").strip();
    }

    private static String run(Path dir, String... command) throws IOException {
        List<String> args = new ArrayList<>(List.of(command));
        Process process = new ProcessBuilder(args).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", args) + " did not end within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", args) + " failed: " + out);
        }
        return out;
    }
}
