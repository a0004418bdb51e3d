package io.trueup.git;

import java.util.regex.Pattern;

/** Checks of paths inside a repository's tree, before they reach a tree walk. */
final class RepoPaths {

    private static final Pattern SLASHES = Pattern.compile("^/+|/+$");

    private RepoPaths() {
    }

    /**
     * {@code path} as a tree path: without leading or trailing slashes, {@code ""} for the root.
     *
     * @throws IllegalArgumentException when a segment is empty, {@code .} or {@code ..}
     */
    static String directory(String path) {
        String trimmed = SLASHES.matcher(path.strip()).replaceAll("");
        if (trimmed.isEmpty() || trimmed.equals(".")) {
            return "";
        }
        return file(trimmed);
    }

    /**
     * {@code path} unchanged when it is a relative tree path.
     *
     * @throws IllegalArgumentException when it is absolute, or a segment is empty, {@code .} or {@code ..}
     */
    static String file(String path) {
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("not a relative path inside a repository: " + path);
            }
        }
        return path;
    }
}
