package io.trueup.notify;

import io.trueup.reconcile.Notice;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat...): every event but
 * {@code started}, as {@code {"text": ...}}. Its URL is its secret: it is never shown.
 */
public record SlackTarget(String name, URI url) implements Target {

    @Override
    public String kind() {
        return "slack";
    }

    @Override
    public boolean takes(Notice notice) {
        return notice.event() != Notice.Event.STARTED;
    }

    @Override
    public HttpRequest request(Notice notice, Instant at, Duration timeout) {
        return JsonPost.to(url, JsonPost.json(Map.of("text", text(notice))), timeout).build();
    }

    /**
     * {@code trueup: hello/prod halted (1a2b3c4, desired state 5d6e7f8): <message>}, with Slack's
     * three control characters escaped so that a message cannot make links or mentions.
     */
    static String text(Notice notice) {
        String where = notice.sha().map(s -> s.substring(0, Math.min(7, s.length())) + ", ").orElse("")
                + "desired state " + notice.revision().substring(0, Math.min(7, notice.revision().length()));
        return escape("trueup: " + notice.id() + " " + words(notice.event()) + " (" + where + "): "
                + notice.message());
    }

    private static String words(Notice.Event event) {
        return switch (event) {
            case STARTED -> "rollout started";
            case FINISHED -> "rollout finished";
            case HALTED -> "rollout halted";
            case ROLLBACK -> "rolled back a host";
            case UNREACHABLE -> "host unreachable";
            case REACHABLE -> "host reachable again";
            case INVALID -> "desired state invalid";
        };
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    public String toString() {
        return "SlackTarget[" + name + "]";
    }
}
