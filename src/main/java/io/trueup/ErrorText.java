package io.trueup;

import java.util.ArrayList;
import java.util.List;

/**
 * Caps the texts that say what went wrong, which carry the output of hosts and apps into the
 * status, the dashboard and the history files: each line at {@link #LINE} characters and the
 * whole at {@link #TEXT}, saying where something was cut. A capped text is left as it is, so
 * capping again changes nothing. Pure.
 */
public final class ErrorText {

    /** The most characters of one line. */
    public static final int LINE = 500;

    /** The most characters of one text, its lines and the note of what was cut included. */
    public static final int TEXT = 4000;

    private static final String LINE_CUT = " [trueup: line cut]";

    /** Room kept for the note of the lines cut, whatever their number. */
    private static final int NOTE = 48;

    private ErrorText() {
    }

    /** {@code text} capped, its start kept: the lines past the cap are dropped. Null stays null. */
    public static String head(String text) {
        if (text == null || fits(text)) {
            return text;
        }
        List<String> lines = lines(text);
        List<String> kept = new ArrayList<>();
        int size = 0;
        for (String line : lines) {
            if (size + line.length() + 1 > TEXT - NOTE) {
                break;
            }
            kept.add(line);
            size += line.length() + 1;
        }
        int cut = lines.size() - kept.size();
        if (cut > 0) {
            kept.add("[trueup: " + cut + " more line(s) cut]");
        }
        return String.join("\n", kept);
    }

    /** {@code text} capped, its end kept (the end of a log explains a failure): the first lines are dropped. */
    public static String tail(String text) {
        if (text == null || fits(text)) {
            return text;
        }
        List<String> lines = lines(text);
        List<String> kept = new ArrayList<>();
        int size = 0;
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i);
            if (size + line.length() + 1 > TEXT - NOTE) {
                break;
            }
            kept.addFirst(line);
            size += line.length() + 1;
        }
        int cut = lines.size() - kept.size();
        if (cut > 0) {
            kept.addFirst("[trueup: " + cut + " earlier line(s) cut]");
        }
        return String.join("\n", kept);
    }

    private static boolean fits(String text) {
        if (text.length() > TEXT) {
            return false;
        }
        return text.lines().allMatch(line -> line.length() <= LINE);
    }

    /** The lines of {@code text}, each cut to {@link #LINE} characters with a note. */
    private static List<String> lines(String text) {
        return text.lines().map(ErrorText::line).toList();
    }

    private static String line(String line) {
        if (line.length() <= LINE) {
            return line;
        }
        int end = LINE - LINE_CUT.length();
        if (Character.isHighSurrogate(line.charAt(end - 1))) {
            end--;
        }
        return line.substring(0, end) + LINE_CUT;
    }
}
