package io.trueup.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhooksTest {

    private static final String SECRET = "It's a Secret to Everybody";
    private final Webhooks webhooks = new Webhooks(Optional.of(SECRET), "main");

    @Test
    void matchesGitHubsDocumentedExampleSignature() {
        // From GitHub's "Validating webhook deliveries" docs.
        byte[] body = "Hello, World!".getBytes(StandardCharsets.UTF_8);
        String expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assertEquals(expected, Signatures.sign(body, SECRET));
        assertTrue(Signatures.signedBody(expected, body, SECRET));
        assertFalse(Signatures.signedBody(expected, "Hello, World?".getBytes(StandardCharsets.UTF_8), SECRET));
        assertFalse(Signatures.signedBody("sha256=zz", body, SECRET));
        assertFalse(Signatures.signedBody(null, body, SECRET));
    }

    @Test
    void aGitHubPushToTheWatchedBranchTriggers() {
        byte[] body = json("{\"ref\":\"refs/heads/main\",\"after\":\"abc\"}");
        assertInstanceOf(Outcome.Triggers.class, webhooks.github("push", Signatures.sign(body, SECRET), body));
    }

    @Test
    void aGitHubPushToAnotherBranchOrATagIsIgnored() {
        for (String ref : new String[] {"refs/heads/feature", "refs/tags/main", "refs/heads/main2"}) {
            byte[] body = json("{\"ref\":\"" + ref + "\"}");
            Outcome outcome = webhooks.github("push", Signatures.sign(body, SECRET), body);
            assertInstanceOf(Outcome.Ignored.class, outcome, ref);
        }
    }

    @Test
    void aGitHubPingOrOtherEventIsIgnored() {
        byte[] body = json("{\"zen\":\"Keep it simple.\"}");
        assertInstanceOf(Outcome.Ignored.class, webhooks.github("ping", Signatures.sign(body, SECRET), body));
        assertInstanceOf(Outcome.Ignored.class, webhooks.github("issues", Signatures.sign(body, SECRET), body));
    }

    @Test
    void aFormEncodedGitHubPushIsIgnoredWithAHint() {
        byte[] body = "payload=%7B%22ref%22%3A%22refs%2Fheads%2Fmain%22%7D".getBytes(StandardCharsets.UTF_8);
        Outcome outcome = webhooks.github("push", Signatures.sign(body, SECRET), body);
        assertInstanceOf(Outcome.Ignored.class, outcome);
        assertTrue(outcome.reason().contains("application/json"), outcome.reason());
    }

    @Test
    void aSignatureMadeWithAnotherSecretIsUnauthorized() {
        byte[] body = json("{\"ref\":\"refs/heads/main\"}");
        assertInstanceOf(Outcome.Unauthorized.class, webhooks.github("push", Signatures.sign(body, "guess"), body));
        assertInstanceOf(Outcome.Unauthorized.class, webhooks.generic(Signatures.sign(body, "guess"), body));
    }

    @Test
    void aGitLabPushWithTheTokenTriggersAndOnlyThen() {
        byte[] push = json("{\"object_kind\":\"push\",\"ref\":\"refs/heads/main\"}");
        assertInstanceOf(Outcome.Triggers.class, webhooks.gitlab(SECRET, push));
        assertInstanceOf(Outcome.Unauthorized.class, webhooks.gitlab("wrong", push));
        assertInstanceOf(Outcome.Unauthorized.class, webhooks.gitlab(null, push));
        byte[] tag = json("{\"object_kind\":\"tag_push\",\"ref\":\"refs/tags/v1\"}");
        assertInstanceOf(Outcome.Ignored.class, webhooks.gitlab(SECRET, tag));
    }

    @Test
    void aBlankSecretDisablesWebhooks() {
        assertFalse(new Webhooks(Optional.of(" "), "main").enabled());
        assertFalse(new Webhooks(Optional.empty(), "main").enabled());
        assertTrue(webhooks.enabled());
    }

    @Test
    void aBodyOverTheLimitIsRefusedAfterReadingOneByteMore() throws IOException {
        ByteArrayInputStream big = new ByteArrayInputStream(new byte[1000]);
        assertTrue(BoundedBody.read(big, 100).isEmpty());
        assertEquals(1000 - 101, big.available(), "read no more than the limit and one byte");
        assertEquals(100, BoundedBody.read(new ByteArrayInputStream(new byte[100]), 100).orElseThrow().length);
        assertEquals(0, BoundedBody.read(new ByteArrayInputStream(new byte[0]), 100).orElseThrow().length);
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
