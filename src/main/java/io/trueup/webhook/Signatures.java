package io.trueup.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a webhook's proof that it knows the shared secret, in time independent of where a
 * wrong proof differs: an HMAC-SHA256 signature of the raw body as GitHub sends it
 * ({@code sha256=<hex>}), or the secret itself as GitLab sends it. Stateless and thread-safe.
 */
public final class Signatures {

    private static final String PREFIX = "sha256=";

    private Signatures() {
    }

    /** Whether {@code header} is {@code sha256=<hex>} of HMAC-SHA256 over {@code body} keyed with {@code secret}. */
    public static boolean signedBody(String header, byte[] body, String secret) {
        if (header == null || !header.startsWith(PREFIX)) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(header.substring(PREFIX.length()).strip().toLowerCase());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(given, hmac(body, secret));
    }

    /** {@code sha256=<hex>} for {@code body}: what a sender puts in its signature header. */
    public static String sign(byte[] body, String secret) {
        return PREFIX + HexFormat.of().formatHex(hmac(body, secret));
    }

    /** Whether {@code token} is the secret; compares digests, so not even the length leaks. */
    public static boolean sameToken(String token, String secret) {
        return token != null && MessageDigest.isEqual(sha256(token), sha256(secret));
    }

    private static byte[] hmac(byte[] body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
