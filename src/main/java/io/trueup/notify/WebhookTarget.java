package io.trueup.notify;

import io.trueup.reconcile.Notice;
import io.trueup.webhook.Signatures;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A generic JSON webhook: every event but {@code started}, as {@code {"event", "app", "env",
 * "sha", "revision", "status", "message", "time"}}, signed with HMAC-SHA256 of the body keyed
 * with the secret in {@code X-Trueup-Signature-256: sha256=<hex>}, as GitHub signs its own.
 */
public record WebhookTarget(String name, URI url, String secret) implements Target {

    /** The header of the signature. */
    public static final String SIGNATURE = "X-Trueup-Signature-256";

    @Override
    public String kind() {
        return "webhook";
    }

    @Override
    public boolean takes(Notice notice) {
        return notice.event() != Notice.Event.STARTED;
    }

    @Override
    public HttpRequest request(Notice notice, Instant at, Duration timeout) {
        byte[] body = body(notice, at);
        return JsonPost.to(url, body, timeout).header("X-Trueup-Event", notice.event().label())
                .header(SIGNATURE, Signatures.sign(body, secret)).build();
    }

    /** The JSON body telling of {@code notice}. */
    static byte[] body(Notice notice, Instant at) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", notice.event().label());
        body.put("app", notice.id().app());
        body.put("env", notice.id().env());
        body.put("sha", notice.sha().orElse(null));
        body.put("revision", notice.revision());
        body.put("status", notice.status());
        body.put("message", notice.message());
        body.put("time", at.toString());
        return JsonPost.json(body);
    }

    @Override
    public String toString() {
        return "WebhookTarget[" + name + ", " + url + "]";
    }
}
