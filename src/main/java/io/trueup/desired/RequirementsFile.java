package io.trueup.desired;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rule for an app's requirements file, which pip reads on every host: only requirements
 * that the wheelhouse answers. Refused are lines that make pip reach elsewhere whatever
 * {@code --no-index} says: a URL ({@code pkg @ https://...}, {@code git+https://...}), and the
 * options that name an index, a place to find packages or another file ({@code -i},
 * {@code --index-url}, {@code --extra-index-url}, {@code -f}, {@code --find-links}, {@code -r},
 * {@code -c}, {@code -e}, ...). A few options that only narrow what pip does are accepted. Lines are
 * read as pip reads them: a {@code \} at the end joins the next, a {@code #} at the start or
 * after a blank starts a comment. Stateless.
 */
public final class RequirementsFile {

    /** Options that change nothing about where pip looks. */
    private static final Set<String> HARMLESS = Set.of("--no-index", "--require-hashes", "--pre", "--prefer-binary",
            "--only-binary", "--no-binary");
    private static final Pattern COMMENT = Pattern.compile("(^|\\s)#.*");
    private static final Pattern OPTION = Pattern.compile("(?:^|\\s)(--?[A-Za-z][A-Za-z0-9-]*)");

    private RequirementsFile() {
    }

    /** What is wrong with {@code content}, one message per refused line ({@code line 3: ...}); empty when it is fine. */
    public static List<String> refusals(byte[] content) {
        List<String> found = new ArrayList<>();
        String[] lines = new String(content, StandardCharsets.UTF_8).split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int first = i;
            StringBuilder logical = new StringBuilder(lines[i]);
            while (logical.toString().endsWith("\\") && i + 1 < lines.length) {
                logical.setLength(logical.length() - 1);
                logical.append(' ').append(lines[++i]);
            }
            String text = COMMENT.matcher(logical).replaceFirst("").strip();
            refusal(text).ifPresent(why -> found.add("line " + (first + 1) + ": " + text + ": " + why));
        }
        return found;
    }

    private static java.util.Optional<String> refusal(String text) {
        if (text.isEmpty()) {
            return java.util.Optional.empty();
        }
        var options = OPTION.matcher(text);
        while (options.find()) {
            String option = options.group(1);
            boolean perRequirement = !text.startsWith("-") && option.equals("--hash");
            if (!perRequirement && !HARMLESS.contains(option)) {
                return java.util.Optional.of("pip option " + option + " is refused: pip installs from the wheelhouse"
                        + " only, and requirementsHash covers this file only");
            }
        }
        if (text.contains("://") || text.split(";", 2)[0].contains("@")) {
            return java.util.Optional.of("a URL, which pip would fetch despite --no-index; build a wheel of it into"
                    + " the wheelhouse and require it by name");
        }
        return java.util.Optional.empty();
    }
}
