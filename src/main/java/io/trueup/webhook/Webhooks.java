package io.trueup.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * Decides what a webhook call from GitHub, GitLab or anything else comes to: checks its
 * signature or token against the shared secret, then whether it is a push to the watched
 * branch of the desired-state repository. Pure: no I/O, no triggering. Thread-safe.
 */
public final class Webhooks {

    /** The message for calls made while no secret is configured. */
    public static final String DISABLED = "webhooks are disabled: set trueup.webhook.secret to enable them";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Optional<String> secret;
    private final String branchRef;

    /**
     * @param secret the shared secret; absent or blank disables every webhook
     * @param branch the desired-state branch whose pushes trigger a reconcile
     */
    public Webhooks(Optional<String> secret, String branch) {
        this.secret = secret.filter(s -> !s.isBlank());
        this.branchRef = "refs/heads/" + branch;
    }

    /** Whether a secret is configured; without one, every call is refused with {@link #DISABLED}. */
    public boolean enabled() {
        return secret.isPresent();
    }

    /** A GitHub delivery: {@code X-GitHub-Event} and {@code X-Hub-Signature-256} with the raw body. */
    public Outcome github(String event, String signature, byte[] body) {
        if (!Signatures.signedBody(signature, body, secret())) {
            return new Outcome.Unauthorized("missing or wrong X-Hub-Signature-256");
        }
        return switch (event == null ? "" : event) {
            case "ping" -> new Outcome.Ignored("pong: the secret matches");
            case "push" -> push(body);
            default -> new Outcome.Ignored("event " + event + " ignored: only push triggers");
        };
    }

    /** A GitLab delivery: {@code X-Gitlab-Token} (the secret itself) with the body. */
    public Outcome gitlab(String token, byte[] body) {
        if (!Signatures.sameToken(token, secret())) {
            return new Outcome.Unauthorized("missing or wrong X-Gitlab-Token");
        }
        Optional<JsonNode> json = json(body);
        String kind = json.map(j -> j.path("object_kind").asText(j.path("event_name").asText(""))).orElse("");
        return kind.equals("push") ? push(body) : new Outcome.Ignored("event " + kind + " ignored: only push triggers");
    }

    /** Any other sender: {@code X-Trueup-Signature: sha256=<hex>} of the body; every verified call triggers. */
    public Outcome generic(String signature, byte[] body) {
        return Signatures.signedBody(signature, body, secret())
                ? new Outcome.Triggers("signature verified: reconciling now")
                : new Outcome.Unauthorized("missing or wrong X-Trueup-Signature");
    }

    private Outcome push(byte[] body) {
        Optional<String> ref = json(body).map(j -> j.path("ref").asText("")).filter(r -> !r.isEmpty());
        if (ref.isEmpty()) {
            return new Outcome.Ignored("no ref in the body: send the push payload as application/json");
        }
        return ref.get().equals(branchRef)
                ? new Outcome.Triggers("push to " + branchRef + ": reconciling now")
                : new Outcome.Ignored("push to " + ref.get() + " ignored: trueup watches " + branchRef);
    }

    private String secret() {
        return secret.orElseThrow(() -> new IllegalStateException(DISABLED));
    }

    private static Optional<JsonNode> json(byte[] body) {
        try {
            return Optional.ofNullable(JSON.readTree(body)).filter(JsonNode::isObject);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
