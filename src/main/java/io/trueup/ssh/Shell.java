package io.trueup.ssh;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The one place that quotes words for a remote POSIX shell. Every remote command trueup runs
 * is built from a fixed script and arguments passed through {@link #quote}; nothing is ever
 * concatenated into a command line unquoted.
 */
public final class Shell {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./=:@%+,-]+");

    private Shell() {
    }

    /** Returns {@code word} as one word for a POSIX shell, whatever characters it holds. */
    public static String quote(String word) {
        if (word.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a shell word cannot hold a NUL character");
        }
        if (SAFE.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** Quotes each word and joins them with spaces. */
    public static String join(List<String> words) {
        StringBuilder line = new StringBuilder();
        for (String word : words) {
            if (!line.isEmpty()) {
                line.append(' ');
            }
            line.append(quote(word));
        }
        return line.toString();
    }
}
