package io.trueup.desired;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The config files rendered for one host, ready to be written into its release. Their content
 * may hold secrets: it is never shown, and {@link #toString} gives only paths, modes and digests.
 * Immutable.
 *
 * @param files the rendered files, in the order of {@code config}
 * @param secrets the value of each secret the files hold, by name, to mask wherever host output
 *     is shown ({@link #redact})
 */
public record RenderedConfig(List<File> files, Map<String, String> secrets) {

    public static final RenderedConfig NONE = new RenderedConfig(List.of(), Map.of());

    /** Secrets shorter than this are not masked in host output: they would mask ordinary words. */
    static final int SHORTEST_MASKED = 4;

    public RenderedConfig {
        files = List.copyOf(files);
        secrets = Collections.unmodifiableMap(new TreeMap<>(secrets));
    }

    /**
     * {@code text} (output of a command on a host, say) with every secret value, and every line of
     * a secret of several lines, replaced by {@code [secret NAME]}.
     */
    public String redact(String text) {
        String masked = text;
        for (Map.Entry<String, String> secret : secrets.entrySet()) {
            String mark = "[secret " + secret.getKey() + "]";
            masked = mask(masked, secret.getValue(), mark);
            for (String line : secret.getValue().split("\n")) {
                masked = mask(masked, line.strip(), mark);
            }
        }
        return masked;
    }

    /**
     * {@code text} with each whole {@code value} masked, and a start of it (at least
     * {@link #SHORTEST_MASKED} characters) that ends the text: what a cut at a byte limit (a
     * health answer's first bytes, say) leaves of a secret.
     */
    private static String mask(String text, String value, String mark) {
        if (value.length() < SHORTEST_MASKED) {
            return text;
        }
        String masked = text.replace(value, mark);
        for (int length = Math.min(value.length() - 1, masked.length()); length >= SHORTEST_MASKED; length--) {
            if (masked.endsWith(value.substring(0, length))) {
                return masked.substring(0, masked.length() - length) + mark;
            }
        }
        return masked;
    }

    /** Never the content nor a secret: the files' paths, modes and digests, and the secrets' names. */
    @Override
    public String toString() {
        return "RenderedConfig[files=" + files + ", secrets=" + secrets.keySet() + "]";
    }

    /**
     * One rendered file: where it goes, relative to the release, its permission bits, and what it
     * holds (which may include secrets, so it is never shown), with the SHA-256 of that, computed
     * once: plans and host commands ask for it at every poll. Immutable.
     */
    public static final class File {
        private final String dest;
        private final int mode;
        private final byte[] content;
        private final String digest;

        public File(String dest, int mode, byte[] content) {
            this.dest = ValueRules.releasePath(dest);
            this.mode = mode;
            this.content = content.clone();
            this.digest = HexFormat.of().formatHex(sha256(this.content));
        }

        public String dest() {
            return dest;
        }

        public int mode() {
            return mode;
        }

        public byte[] content() {
            return content.clone();
        }

        /** The SHA-256 of the content, in hex: what inspection compares with the file on a host. */
        public String digest() {
            return digest;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof File f && f.dest.equals(dest) && f.mode == mode && f.digest.equals(digest)
                    && Arrays.equals(f.content, content);
        }

        @Override
        public int hashCode() {
            return Objects.hash(dest, mode, digest);
        }

        /** Never the content. */
        @Override
        public String toString() {
            return dest + " " + ConfigFile.modeText(mode) + " sha256:" + digest;
        }
    }

    /** The first 12 hex characters of a SHA-256 over every file's path, mode and content: the release's config hash. */
    public String hash() {
        StringBuilder all = new StringBuilder();
        for (File f : files) {
            all.append(f.dest()).append('\0').append(ConfigFile.modeText(f.mode())).append('\0').append(f.digest())
                    .append('\n');
        }
        return HexFormat.of().formatHex(sha256(all.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 12);
    }

    /** The release of {@code sha} with these files rendered into it. */
    public ReleaseId release(Sha sha) {
        return files.isEmpty() ? ReleaseId.of(sha) : new ReleaseId(sha, java.util.Optional.of(hash()));
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
