package io.trueup.desired;

import java.util.regex.Pattern;

/** A full git commit id: 40 lowercase hex characters. */
public record Sha(String hex) {

    private static final Pattern HEX40 = Pattern.compile("[0-9a-f]{40}");

    public Sha {
        if (hex == null || !HEX40.matcher(hex).matches()) {
            throw new IllegalArgumentException("a SHA must be 40 lowercase hex characters: " + hex);
        }
    }

    public static boolean valid(String text) {
        return text != null && HEX40.matcher(text).matches();
    }

    /** The first 7 characters, for people. */
    public String abbrev() {
        return hex.substring(0, 7);
    }

    @Override
    public String toString() {
        return hex;
    }
}
