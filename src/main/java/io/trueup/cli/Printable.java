package io.trueup.cli;

/**
 * Text from desired state and app repositories made safe to print to a terminal or a CI log: a
 * commit subject or a value may hold an ANSI escape sequence that clears the screen or hides a
 * line. Control characters (but the tab) and the Unicode marks that reorder text are written
 * as escapes: ESC as {@code \x1b}, a newline as {@code \n}, U+202E as {@code \u202e}. Pure.
 */
final class Printable {

    private Printable() {
    }

    /** {@code text} with every control character but the tab, and every bidirectional mark, escaped. */
    static String escape(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String escaped = escaped(c);
            if (escaped != null && out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (out != null) {
                out.append(escaped == null ? String.valueOf(c) : escaped);
            }
        }
        return out == null ? text : out.toString();
    }

    private static String escaped(char c) {
        if (c == '\t') {
            return null;
        }
        if (c == '\n') {
            return "\\n";
        }
        if (c == '\r') {
            return "\\r";
        }
        if (Character.isISOControl(c)) {
            return String.format("\\x%02x", (int) c);
        }
        if (c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069' || c == '\u200e' || c == '\u200f'
                || c == '\u061c') {
            return String.format("\\u%04x", (int) c);
        }
        return null;
    }
}
