package io.trueup.render;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Secrets as files of one directory, one secret per file, named as the secret: the way Kubernetes
 * mounts a Secret and systemd passes credentials ({@code LoadCredential=}, read under
 * {@code $CREDENTIALS_DIRECTORY}). A value is the file's UTF-8 text, without one newline at its
 * end. Read at each call, so a rotated secret is seen at once. Stateless and thread-safe.
 */
public final class SecretsDir implements SecretSource {

    /** The largest secret file read: a secret is a key or a password, not a document. */
    static final long MAX_BYTES = 64 * 1024;

    private final Optional<Path> dir;

    /** @param dir {@code trueup.secrets.dir}; without it, any secret is an error saying to set it */
    public SecretsDir(Optional<Path> dir) {
        this.dir = dir.map(Path::toAbsolutePath);
    }

    @Override
    public String value(String name) {
        Path root = dir.orElseThrow(() -> new SecretException("secret " + name + ": no secrets directory is"
                + " configured; set trueup.secrets.dir (TRUEUP_SECRETS_DIR) to the directory that holds it"));
        Path file = root.resolve(name);
        try {
            if (!Files.isRegularFile(file)) {
                throw new SecretException("secret " + name + ": no file " + file
                        + (Files.isDirectory(root) ? "" : " (the secrets directory " + root + " does not exist)"));
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new SecretException("secret " + name + ": " + file + " is larger than " + MAX_BYTES + " bytes");
            }
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
            return text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                    : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (CharacterCodingException e) {
            throw new SecretException("secret " + name + ": " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new SecretException("secret " + name + ": cannot read " + file + ": " + e.getClass().getSimpleName());
        }
    }

    /**
     * The secret {@code name}, or empty when no secrets directory is configured or it has no file
     * of that name; a file that cannot be read is an error, as in {@link #value}.
     */
    public Optional<String> optional(String name) {
        if (dir.isEmpty() || Files.notExists(dir.get().resolve(name), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(value(name));
    }

    @Override
    public boolean real() {
        return true;
    }
}
