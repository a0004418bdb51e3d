package io.trueup.notify;

import io.trueup.reconcile.Notice;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;

/**
 * Where notices go, and in what form. Immutable and thread-safe; never shows its secret or
 * token in {@code toString}, logs or errors.
 */
public sealed interface Target permits WebhookTarget, SlackTarget, GitHubTarget {

    /** The name it has in configuration ({@code trueup.notify.<name>}), as logs and metrics name it. */
    String name();

    /** {@code webhook}, {@code slack} or {@code github}. */
    String kind();

    /** Whether it is told of {@code notice}. */
    boolean takes(Notice notice);

    /**
     * The request that tells of {@code notice} (one it {@linkplain #takes takes}), raised
     * {@code at}, allowed {@code timeout}.
     *
     * @throws java.io.UncheckedIOException when something it reads (a token file) cannot be read
     */
    HttpRequest request(Notice notice, Instant at, Duration timeout);

    /** {@code text} without {@code hidden} (a secret, a token, a URL that holds one). */
    static String without(String text, String... hidden) {
        String shown = text == null ? "" : text;
        for (String h : hidden) {
            if (h != null && !h.isEmpty()) {
                shown = shown.replace(h, "[hidden]");
            }
        }
        return shown;
    }
}
