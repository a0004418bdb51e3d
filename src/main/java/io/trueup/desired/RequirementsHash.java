package io.trueup.desired;

import java.util.regex.Pattern;

/**
 * The sha256 of a requirements file, written {@code sha256:<64 hex>}. Its hex part names the
 * virtualenv directory {@code envs/<hex>} on hosts.
 */
public record RequirementsHash(String hex) {

    private static final Pattern FORM = Pattern.compile("sha256:([0-9a-f]{64})");

    public RequirementsHash {
        if (hex == null || !hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a requirements hash is 64 lowercase hex characters: " + hex);
        }
    }

    /** Parses {@code sha256:<64 hex>}. */
    public static RequirementsHash parse(String text) {
        var m = text == null ? null : FORM.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("must be sha256: followed by 64 lowercase hex characters");
        }
        return new RequirementsHash(m.group(1));
    }

    /** The hash of {@code content}. */
    public static RequirementsHash of(byte[] content) {
        try {
            var digest = java.security.MessageDigest.getInstance("SHA-256").digest(content);
            return new RequirementsHash(java.util.HexFormat.of().formatHex(digest));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "sha256:" + hex;
    }
}
