package io.trueup.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trueup.TrueupException;
import io.trueup.desired.AppEnv;
import io.trueup.reconcile.Notice;
import io.trueup.support.Fleet;
import io.trueup.support.Receiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of target gets what its receiver expects; a bad target costs the reconciler nothing. */
@Timeout(120)
class NotifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AppEnv ID = new AppEnv("hello", "prod");
    private static final String SHA = "1".repeat(40);
    private static final String REVISION = "ab".repeat(20);
    private static final String TOKEN = "ghp_token-7c1d";
    private static final String SECRET = "hook-secret-9e2a";

    @TempDir
    Path dir;

    Receiver receiver;
    Notifier notifier;
    final Counts counts = new Counts();
    final StringBuilder logs = new StringBuilder();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logs) {
                logs.append(record.getMessage()).append(' ').append(List.of(Optional.ofNullable(record.getParameters())
                        .orElse(new Object[0]))).append('\n');
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** Counts of each target's results. */
    static final class Counts implements Deliveries {
        final Map<String, AtomicInteger> counted = new ConcurrentHashMap<>();

        @Override
        public void counted(Target target, Result result) {
            counted.computeIfAbsent(target.name() + " " + result.label(), k -> new AtomicInteger()).incrementAndGet();
        }

        int of(String target, Result result) {
            return counted.getOrDefault(target + " " + result.label(), new AtomicInteger()).get();
        }
    }

    @BeforeEach
    void start() throws Exception {
        receiver = new Receiver();
        Logger.getLogger("io.trueup").addHandler(capture);
    }

    @AfterEach
    void stop() {
        Logger.getLogger("io.trueup").removeHandler(capture);
        if (notifier != null) {
            notifier.close();
        }
        receiver.close();
    }

    private static Notice notice(Notice.Event event, String status, String message) {
        return new Notice(event, ID, Optional.of(SHA), REVISION, status, message);
    }

    private static Targets.Settings settings(String name, String kind, String url) {
        return new Targets.Settings(name, Optional.of(kind), Optional.of(url), Optional.empty(), Optional.empty(),
                Optional.empty(), Duration.ofSeconds(10), 3);
    }

    private Notifier notifier(List<Notifier.Route> routes) {
        notifier = new Notifier(routes, counts, Clock.systemUTC());
        return notifier;
    }

    private Path tokenFile() throws Exception {
        return Files.writeString(dir.resolve("token"), TOKEN + "\n");
    }

    private List<Notifier.Route> github(Optional<String> publicUrl) throws Exception {
        return Targets.of(List.of(new Targets.Settings("gh", Optional.of("github"),
                Optional.of(receiver.url("/api/v3").toString()), Optional.empty(), Optional.of(tokenFile()),
                Optional.of("acme/desired-state"), Duration.ofSeconds(10), 3)), Optional.empty(), publicUrl);
    }

    @Test
    void slackGetsOneTextLineWithTheEventAndMessageEscaped() throws Exception {
        notifier(Targets.of(List.of(settings("chat", "slack", receiver.url("/services/T0/B0/x").toString())),
                Optional.empty(), Optional.empty()));

        notifier.notice(notice(Notice.Event.HALTED, "Halted", "halted: 10.0.0.1: step restart failed: <exit 1> & more"));

        assertTrue(receiver.received(1, Duration.ofSeconds(30)));
        Receiver.Request request = receiver.requests().get(0);
        assertEquals("/services/T0/B0/x", request.path());
        assertEquals("application/json", request.header("Content-Type"));
        JsonNode body = JSON.readTree(request.body());
        assertEquals(List.of("text"), iterable(body.fieldNames()));
        assertEquals("trueup: hello/prod rollout halted (1111111, desired state ababab a): halted: 10.0.0.1: step"
                .replace("ababab a", REVISION.substring(0, 7)) + " restart failed: &lt;exit 1&gt; &amp; more",
                body.get("text").asText());
    }

    @Test
    void githubStatusesMapEventsToStatesOnTheDesiredStateCommit() throws Exception {
        notifier(github(Optional.of("https://trueup.example.com/")));

        notifier.notice(notice(Notice.Event.STARTED, "Progressing", "rolling out 1111111 to 2 host(s) in 1 batch(es)"));
        notifier.notice(notice(Notice.Event.FINISHED, "Synced", "1111111 deployed to 2 host(s)"));
        notifier.notice(notice(Notice.Event.ROLLBACK, "Progressing", "not a status"));
        notifier.notice(notice(Notice.Event.HALTED, "Halted", "halted: h: step restart failed\nthe output"));
        notifier.notice(notice(Notice.Event.INVALID, "Invalid", "desired state is invalid (apps/hello/prod.yaml:3: sha)"));

        assertTrue(receiver.received(4, Duration.ofSeconds(30)));
        List<Receiver.Request> requests = receiver.requests();
        List<String> states = new java.util.ArrayList<>();
        for (Receiver.Request request : requests) {
            assertEquals("POST", request.method());
            assertEquals("/api/v3/repos/acme/desired-state/statuses/" + REVISION, request.path());
            assertEquals("Bearer " + TOKEN, request.header("Authorization"));
            assertEquals("application/vnd.github+json", request.header("Accept"));
            JsonNode body = JSON.readTree(request.body());
            assertEquals("trueup/hello/prod", body.get("context").asText());
            assertEquals("https://trueup.example.com/#hello-prod", body.get("target_url").asText());
            states.add(body.get("state").asText());
        }
        assertEquals(List.of("pending", "success", "failure", "error"), states);
        assertEquals("halted: h: step restart failed", JSON.readTree(requests.get(2).body()).get("description").asText(),
                "the first line of the message");
        assertEquals(4, counts.of("gh", Deliveries.Result.SENT));
    }

    @Test
    void githubStatusesHaveNoLinkWithoutAPublicUrl() throws Exception {
        notifier(github(Optional.empty()));

        notifier.notice(notice(Notice.Event.FINISHED, "Synced", "done"));

        assertTrue(receiver.received(1, Duration.ofSeconds(30)));
        assertFalse(JSON.readTree(receiver.requests().get(0).body()).has("target_url"));
    }

    @Test
    void aHangingTargetNeitherBlocksTheCallerNorTheOtherTargetsAndIsCountedFailedAfterItsAttempts()
            throws Exception {
        try (Receiver other = new Receiver()) {
            receiver.hang = true;
            List<Notifier.Route> routes = List.of(
                    new Notifier.Route(new WebhookTarget("slow", receiver.url("/hook"), SECRET),
                            new Notifier.Delivery(2, Duration.ofMillis(500), Duration.ofMillis(100), 4)),
                    new Notifier.Route(new WebhookTarget("fine", other.url("/hook"), SECRET),
                            Notifier.Delivery.of(3, Duration.ofSeconds(10))));
            notifier(routes);

            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                notifier.notice(notice(Notice.Event.FINISHED, "Synced", "deployed " + i));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertTrue(took.compareTo(Duration.ofMillis(400)) < 0, "notice returns at once: " + took);
            assertTrue(other.received(10, Duration.ofSeconds(30)), "the other target got every notice");
            assertEquals(10, other.requests().size());
            // 10 notices, 4 waiting at most while the first one is tried: the rest are dropped.
            assertTrue(Fleet.within(Duration.ofSeconds(60), () -> counts.of("slow", Deliveries.Result.FAILED)
                    + counts.of("slow", Deliveries.Result.DROPPED) == 10), counts.counted::toString);
            assertTrue(counts.of("slow", Deliveries.Result.DROPPED) >= 5, counts.counted::toString);
            int failed = counts.of("slow", Deliveries.Result.FAILED);
            assertEquals(2 * failed, receiver.requests().size(), "each failed notice was tried twice, no more");
        }
        assertFalse(logs.toString().contains(SECRET), logs::toString);
    }

    @Test
    void aTargetThatDripsItsAnswerIsGivenUpOnAtTheTimeout() throws Exception {
        receiver.drip = true;
        notifier(List.of(new Notifier.Route(new WebhookTarget("drip", receiver.url("/hook"), SECRET),
                new Notifier.Delivery(1, Duration.ofMillis(500), Duration.ofMillis(50), 10))));

        notifier.notice(notice(Notice.Event.FINISHED, "Synced", "done"));

        assertTrue(Fleet.within(Duration.ofSeconds(10), () -> counts.of("drip", Deliveries.Result.FAILED) == 1),
                "the answer still dripping at the timeout fails the notice: " + counts.counted);
    }

    @Test
    void aTargetAnswering500IsTriedABoundedNumberOfTimesThenCountedFailedWithoutShowingItsToken()
            throws Exception {
        receiver.status = 500;
        notifier(List.of(new Notifier.Route(github(Optional.empty()).get(0).target(),
                new Notifier.Delivery(3, Duration.ofSeconds(5), Duration.ofMillis(50), 10))));

        notifier.notice(notice(Notice.Event.HALTED, "Halted", "halted"));

        assertTrue(Fleet.within(Duration.ofSeconds(30), () -> counts.of("gh", Deliveries.Result.FAILED) == 1));
        assertEquals(3, receiver.requests().size(), "tried 3 times in all");
        assertEquals(0, counts.of("gh", Deliveries.Result.SENT));
        assertTrue(logs.toString().contains("HTTP 500"), logs::toString);
        assertFalse(logs.toString().contains(TOKEN), logs::toString);
    }

    @Test
    void aSlackUrlIsItsSecretAndNeverLogged() throws Exception {
        String url = "http://127.0.0.1:1/services/T0/B0/secretpart";
        notifier(List.of(new Notifier.Route(new SlackTarget("chat", java.net.URI.create(url)),
                new Notifier.Delivery(1, Duration.ofSeconds(2), Duration.ZERO, 10))));

        notifier.notice(notice(Notice.Event.HALTED, "Halted", "halted"));

        assertTrue(Fleet.within(Duration.ofSeconds(30), () -> counts.of("chat", Deliveries.Result.FAILED) == 1));
        assertTrue(logs.toString().contains("chat"), logs::toString);
        assertFalse(logs.toString().contains("secretpart"), logs::toString);
        assertFalse(new SlackTarget("chat", java.net.URI.create(url)).toString().contains("secretpart"));
        assertFalse(new WebhookTarget("w", java.net.URI.create(url), SECRET).toString().contains(SECRET));
    }

    @Test
    void badTargetsStopTheStartWithTheKeyToFix() throws Exception {
        assertEquals("trueup.notify.x.kind: unknown kind 'email'; one of webhook, slack, github",
                problem(settings("x", "email", "https://example.com")));
        assertEquals("trueup.notify.x.url: missing", problem(new Targets.Settings("x", Optional.of("slack"),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Duration.ofSeconds(1), 1)));
        assertEquals("trueup.notify.x.secret: missing; a webhook's body is signed with it (HMAC-SHA256)",
                problem(settings("x", "webhook", "https://example.com/hook")));
        assertEquals("trueup.notify.x.token-file: missing; the file that holds the token of the GitHub API",
                problem(new Targets.Settings("x", Optional.of("github"), Optional.of("https://api.github.com"),
                        Optional.empty(), Optional.empty(), Optional.of("a/b"), Duration.ofSeconds(1), 1)));
        Path missing = dir.resolve("no-token");
        assertEquals("trueup.notify.x.token-file: cannot read " + missing + " (NoSuchFileException)",
                problem(new Targets.Settings("x", Optional.of("github"), Optional.of("https://api.github.com"),
                        Optional.empty(), Optional.of(missing), Optional.of("a/b"), Duration.ofSeconds(1), 1)));
        assertEquals("trueup.notify.x.url: not an http:// or https:// URL",
                problem(settings("x", "slack", "hooks.slack.com/services/T/B/secret")));
    }

    @Test
    void aGithubTargetFindsItsRepositoryInAnSshDesiredStateUrl() throws Exception {
        assertEquals(Optional.of("acme/desired"), Targets.repoOf("ssh://git@github.com/acme/desired.git"));
        assertEquals(Optional.of("acme/desired"), Targets.repoOf("git@ghe.example.com:acme/desired.git"));
        assertEquals(Optional.empty(), Targets.repoOf("/srv/git/acme/desired.git"));
        assertEquals(Optional.empty(), Targets.repoOf("file:///srv/git/acme/desired.git"));
        Targets.Settings noRepo = new Targets.Settings("gh", Optional.of("github"), Optional.of("https://api.github.com"),
                Optional.empty(), Optional.of(tokenFile()), Optional.empty(), Duration.ofSeconds(1), 1);
        assertEquals("acme/desired", ((GitHubTarget) Targets.of(List.of(noRepo),
                Optional.of("ssh://git@github.com/acme/desired.git"), Optional.empty()).get(0).target()).repo());
        TrueupException e = assertThrows(TrueupException.class, () -> Targets.of(List.of(noRepo),
                Optional.of("/srv/git/desired"), Optional.empty()));
        assertTrue(e.getMessage().startsWith("trueup.notify.gh.repo: missing"), e.getMessage());
        TrueupException withToken = assertThrows(TrueupException.class, () -> Targets.of(List.of(noRepo),
                Optional.of("https://deploy:s3cr3t-token@gitlab.example.com/group/sub/desired.git"), Optional.empty()));
        assertFalse(withToken.getMessage().contains("s3cr3t-token"), "the desired-state URL's token is never shown: "
                + withToken.getMessage());
    }

    private String problem(Targets.Settings settings) {
        return assertThrows(TrueupException.class, () -> Targets.of(List.of(settings), Optional.empty(),
                Optional.empty())).getMessage();
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
