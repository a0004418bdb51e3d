package io.trueup.access;

/** How trueup's paths are protected, beyond the path policies of {@code application.properties}. */
final class Pages {

    private Pages() {
    }

    /** The paths a person opens in a browser, which the login form protects rather than a 401. */
    static boolean isPage(String path) {
        return "/".equals(path) || "".equals(path);
    }

    /**
     * Paths with checks of their own, or none, where an {@code Authorization} header is not
     * trueup's to judge: the webhooks (their signature) and health.
     */
    static boolean ignoresBearer(String path) {
        return path.startsWith("/api/webhooks/") || path.equals("/q/health") || path.startsWith("/q/health/");
    }
}
