package io.trueup.desired;

/**
 * The rule for git URLs trueup fetches from, the same as for an app's {@code source}, for URLs
 * that come from elsewhere than a desired-state file (an app's {@code .gitmodules}).
 */
public final class GitUrl {

    private GitUrl() {
    }

    /**
     * {@code text} unchanged when it is a git URL trueup fetches from.
     *
     * @throws IllegalArgumentException saying what a git URL must be
     */
    public static String check(String text) {
        return ValueRules.source(text);
    }

    /** Whether {@code url} names a repository on this machine: an absolute path or a {@code file:} URL. */
    public static boolean local(String url) {
        return url.startsWith("/") || url.regionMatches(true, 0, "file:", 0, 5);
    }
}
