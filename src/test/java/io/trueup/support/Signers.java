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

    /**
     * A GnuPG home in {@code home} (a short path: gpg-agent's socket lives there) for making
     * OpenPGP keys and signing commits with them; {@link Gpg#close} stops its agent.
     */
    public static Gpg gpg(Path home) throws IOException {
        Files.createDirectories(home);
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        return new Gpg(home);
    }

    /** A GnuPG home, as {@link #gpg} makes it. */
    public record Gpg(Path home) implements AutoCloseable {

        /** A new ed25519 signing key of {@code email}, valid for {@code expiry} (gpg's form: 0, 1y); returns its fingerprint. */
        public String newKey(String email, String expiry) throws IOException {
            run("--quick-gen-key", email, "ed25519", "sign", expiry);
            String colons = run("--with-colons", "--list-keys", email);
            return colons.lines().filter(l -> l.startsWith("fpr:")).findFirst().orElseThrow().split(":")[9];
        }

        /** Writes the public keys of {@code emails} to {@code file}, as {@code gpg --export} does. */
        public Path export(Path file, String... emails) throws IOException {
            List<String> args = new ArrayList<>(List.of("--output", file.toString(), "--export"));
            args.addAll(List.of(emails));
            Files.deleteIfExists(file);
            run(args.toArray(String[]::new));
            return file;
        }

        /** Imports the revocation certificate gpg made with key {@code fingerprint}: the key is revoked here. */
        public void revoke(String fingerprint) throws IOException {
            Path made = home.resolve("openpgp-revocs.d").resolve(fingerprint + ".rev");
            Path armed = home.resolve(fingerprint + ".rev");
            Files.writeString(armed, Files.readString(made).replace(":-----BEGIN", "-----BEGIN"));
            run("--import", armed.toString());
        }

        /** Signs the newest commit of the work tree {@code repo} with the key of {@code email}; returns its new id. */
        public String signHead(Path repo, String email) throws IOException {
            Signers.run(repo, env(), "git", "-c", "gpg.format=openpgp", "-c", "user.signingkey=" + email,
                    "-c", "user.name=Signer", "-c", "user.email=" + email, "commit", "-q", "--amend", "--no-edit",
                    "-S");
            return Signers.run(repo, "git", "rev-parse", "HEAD").strip();
        }

        private String run(String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of("gpg", "--batch", "--quiet", "--pinentry-mode",
                    "loopback", "--passphrase", ""));
            command.addAll(List.of(args));
            return Signers.run(home, env(), command.toArray(String[]::new));
        }

        private java.util.Map<String, String> env() {
            return java.util.Map.of("GNUPGHOME", home.toString());
        }

        @Override
        public void close() {
            try {
                Signers.run(home, env(), "gpgconf", "--kill", "gpg-agent");
            } catch (IOException e) {
                // the agent was not started, or is gone
            }
        }
    }

    /** Runs git with {@code args} in the work tree {@code repo}; returns its output. */
    public static String git(Path repo, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=Signer", "-c",
                "user.email=signer@example.com"));
        command.addAll(List.of(args));
        return run(repo, command.toArray(String[]::new));
    }

    private static String run(Path dir, String... command) throws IOException {
        return run(dir, java.util.Map.of(), command);
    }

    private static String run(Path dir, java.util.Map<String, String> env, String... command) throws IOException {
        List<String> args = new ArrayList<>(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(args).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
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
