package io.trueup.access;

/** The paths a person opens in a browser, which a login form protects rather than a 401. */
final class Pages {

    private Pages() {
    }

    static boolean isPage(String path) {
        return "/".equals(path) || "".equals(path);
    }
}
