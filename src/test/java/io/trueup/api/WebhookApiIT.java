package io.trueup.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import io.trueup.config.Connections;
import io.trueup.git.WorkingRepo;
import io.trueup.reconcile.Reconciler;
import io.trueup.reconcile.Trigger;
import io.trueup.webhook.Signatures;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Merge-to-deploy in seconds: a person commits to the demo's desired-state repository and the
 * host (GitHub, GitLab, anything) calls the webhook. The scheduler is off in tests, so only a
 * webhook can make trueup fetch the new revision.
 */
@QuarkusTest
@TestProfile(WebhookProfile.class)
@Timeout(180)
class WebhookApiIT {

    private static final Duration QUICKLY = Duration.ofSeconds(20);

    @Inject
    Reconciler reconciler;

    @Inject
    Trigger trigger;

    @Inject
    Connections connections;

    @TestHTTPResource("/api/webhooks/github")
    URI githubUrl;

    @BeforeEach
    void reconcile() {
        reconciler.runOnce();
    }

    @Test
    void aSignedGitHubPushToTheWatchedBranchIsFetchedWithinSeconds() {
        String sha = commitToDesiredState();
        byte[] body = push("refs/heads/main", sha);
        long start = System.nanoTime();
        github("push", Signatures.sign(body, WebhookProfile.SECRET), body).then()
                .statusCode(202).body("result", is("triggered"));
        Duration took = awaitRevision(sha, start);
        System.out.printf("webhook: GitHub push to status showing revision %s took %d ms%n", sha.substring(0, 7),
                took.toMillis());
    }

    @Test
    void aBadOrMissingSignatureIsRefusedAndTriggersNothing() {
        String sha = commitToDesiredState();
        byte[] body = push("refs/heads/main", sha);
        long requests = trigger.requests();

        github("push", Signatures.sign(body, "a guess"), body).then().statusCode(401)
                .body("error", containsString("X-Hub-Signature-256"));
        github("push", null, body).then().statusCode(401);
        byte[] tampered = push("refs/heads/main", "0".repeat(40));
        github("push", Signatures.sign(body, WebhookProfile.SECRET), tampered).then().statusCode(401);

        assertEquals(requests, trigger.requests(), "no cycle was asked for");
        assertNotEquals(sha, revision(), "the new commit was not fetched");
        github("push", Signatures.sign(body, WebhookProfile.SECRET), body).then().statusCode(202);
        awaitRevision(sha);
    }

    @Test
    void aPingIsAnsweredWithoutTriggering() {
        byte[] body = "{\"zen\":\"Design for failure.\",\"hook_id\":1}".getBytes(StandardCharsets.UTF_8);
        long requests = trigger.requests();
        github("ping", Signatures.sign(body, WebhookProfile.SECRET), body).then()
                .statusCode(200).body("result", is("ignored"));
        assertEquals(requests, trigger.requests());
    }

    @Test
    void aPushToAnotherBranchIsAcceptedButTriggersNothing() {
        String sha = commitToDesiredState();
        byte[] body = push("refs/heads/feature", sha);
        long requests = trigger.requests();
        github("push", Signatures.sign(body, WebhookProfile.SECRET), body).then()
                .statusCode(200).body("result", is("ignored")).body("reason", containsString("refs/heads/main"));
        assertEquals(requests, trigger.requests());
        assertNotEquals(sha, revision());
    }

    @Test
    void aBodyOverTheLimitIsRefusedWithOrWithoutALength() throws IOException, InterruptedException {
        byte[] big = new byte[WebhookProfile.MAX_BODY + 1];
        long requests = trigger.requests();
        github("push", Signatures.sign(big, WebhookProfile.SECRET), big).then().statusCode(413)
                .body("error", containsString("trueup.webhook.max-body"));

        HttpRequest chunked = HttpRequest.newBuilder(githubUrl).timeout(Duration.ofSeconds(20))
                .header("X-GitHub-Event", "push")
                .header("X-Hub-Signature-256", Signatures.sign(big, WebhookProfile.SECRET))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            assertEquals(413, client.send(chunked, HttpResponse.BodyHandlers.discarding()).statusCode());
        }
        assertEquals(requests, trigger.requests());
    }

    @Test
    void aGitLabPushWithTheTokenTriggers() {
        String sha = commitToDesiredState();
        byte[] body = ("{\"object_kind\":\"push\",\"ref\":\"refs/heads/main\",\"after\":\"" + sha + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        gitlab("wrong", body).then().statusCode(401);
        assertNotEquals(sha, revision());

        gitlab(WebhookProfile.SECRET, body).then().statusCode(202).body("result", is("triggered"));
        awaitRevision(sha);
    }

    @Test
    void aSignedGenericCallTriggers() {
        String sha = commitToDesiredState();
        byte[] body = new byte[0];
        given().header("X-Trueup-Signature", Signatures.sign(body, "wrong")).body(body)
                .when().post("/api/webhooks/generic").then().statusCode(401);
        given().header("X-Trueup-Signature", Signatures.sign(body, WebhookProfile.SECRET)).body(body)
                .when().post("/api/webhooks/generic").then().statusCode(202);
        awaitRevision(sha);
    }

    private static io.restassured.response.Response github(String event, String signature, byte[] body) {
        RequestSpecification request = given().header("X-GitHub-Event", event).contentType("application/json")
                .body(body);
        if (signature != null) {
            request = request.header("X-Hub-Signature-256", signature);
        }
        return request.when().post("/api/webhooks/github");
    }

    private static io.restassured.response.Response gitlab(String token, byte[] body) {
        return given().header("X-Gitlab-Event", "Push Hook").header("X-Gitlab-Token", token)
                .contentType("application/json").body(body).when().post("/api/webhooks/gitlab");
    }

    private static byte[] push(String ref, String after) {
        return ("{\"ref\":\"" + ref + "\",\"after\":\"" + after + "\",\"repository\":{\"name\":\"desired-state\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A commit to the desired-state repository that changes no app (files outside apps/ are ignored). */
    private String commitToDesiredState() {
        Path dir = Path.of(connections.url().orElseThrow());
        try {
            Files.writeString(dir.resolve("NOTES.md"), "A note " + UUID.randomUUID() + "\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return WorkingRepo.open(dir).commitAll("A note");
    }

    private static String revision() {
        return given().get("/api/status").then().statusCode(200).extract().path("desiredState.revision");
    }

    /** Polls the status until it shows {@code sha}; fails after {@link #QUICKLY}. */
    private static Duration awaitRevision(String sha) {
        return awaitRevision(sha, System.nanoTime());
    }

    /** Polls the status until it shows {@code sha}; how long that took since {@code start}. Bounded. */
    private static Duration awaitRevision(String sha, long start) {
        long deadline = start + QUICKLY.toNanos();
        while (!sha.equals(revision())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("status did not show revision " + sha + " within " + QUICKLY);
            }
            sleep(10);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
