package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trueup.notify.Deliveries;
import io.trueup.notify.Notifier;
import io.trueup.notify.Targets;
import io.trueup.status.SyncStatus;
import io.trueup.support.Fleet;
import io.trueup.support.Receiver;
import io.trueup.webhook.Signatures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real reconcile over real hosts tells a webhook, signed, when a rollout finishes and when one halts: once. */
@Timeout(180)
class NotificationIntegrationTest {

    private static final String SECRET = "hook-secret-4f1c";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    Fleet fleet;
    Receiver receiver;
    Notifier notifier;
    final List<Notice> told = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        receiver = new Receiver();
        fleet = new Fleet(dir, 1, Map.of());
        notifier = new Notifier(Targets.of(List.of(new Targets.Settings("ops", Optional.of("webhook"),
                Optional.of(receiver.url("/hooks/trueup").toString()), Optional.of(SECRET), Optional.empty(),
                Optional.empty(), Duration.ofSeconds(10), 3)), Optional.empty(), Optional.empty()),
                Deliveries.NONE, Clock.systemUTC());
        fleet.observer = ReconcileObserver.both(notifier, new ReconcileObserver() {
            @Override
            public void notice(Notice notice) {
                told.add(notice);
            }
        });
        fleet.startController();
    }

    @AfterEach
    void close() {
        notifier.close();
        fleet.close();
        receiver.close();
    }

    /** The webhook bodies received, in order, each checked against its signature. */
    private List<JsonNode> signedBodies() throws Exception {
        List<JsonNode> bodies = new java.util.ArrayList<>();
        for (Receiver.Request request : receiver.requests()) {
            assertEquals("POST", request.method());
            assertEquals("/hooks/trueup", request.path());
            assertTrue(Signatures.signedBody(request.header("X-Trueup-Signature-256"),
                    request.body().getBytes(StandardCharsets.UTF_8), SECRET), "signed with the secret: " + request);
            bodies.add(JSON.readTree(request.body()));
        }
        return bodies;
    }

    private List<Notice.Event> events() {
        return told.stream().map(Notice::event).toList();
    }

    @Test
    void aFinishedRolloutIsToldOnceWithASignedBody() throws Exception {
        String sha = fleet.app.head();
        String revision = fleet.deploy(sha, "");

        fleet.reconciler.runOnce();
        fleet.reconciler.runOnce();
        fleet.reconciler.runOnce();

        assertEquals(SyncStatus.Synced, fleet.status().status(), fleet.status().toString());
        assertEquals(List.of(Notice.Event.STARTED, Notice.Event.FINISHED), events(), told.toString());
        assertTrue(receiver.received(1, Duration.ofSeconds(30)), "the webhook was called");
        List<JsonNode> bodies = signedBodies();
        assertEquals(1, bodies.size(), "started is not sent to webhooks: " + bodies);
        JsonNode body = bodies.get(0);
        assertEquals("finished", body.get("event").asText());
        assertEquals("hello", body.get("app").asText());
        assertEquals("test", body.get("env").asText());
        assertEquals(sha, body.get("sha").asText());
        assertEquals(revision, body.get("revision").asText());
        assertEquals("Synced", body.get("status").asText());
        assertEquals(sha.substring(0, 7) + " deployed to 1 host(s)", body.get("message").asText());
    }

    @Test
    void aDesiredStateTurnedInvalidIsToldOnceWithItsFirstProblem() throws Exception {
        String sha = fleet.app.head();
        fleet.deploy(sha, "");
        fleet.reconciler.runOnce();
        String invalid = fleet.writeEnv(fleet.envYaml("not-a-sha", fleet.requirementsHash().toString(), ""));

        for (int cycle = 0; cycle < 3; cycle++) {
            fleet.reconciler.runOnce();
        }

        List<Notice> invalids = told.stream().filter(n -> n.event() == Notice.Event.INVALID).toList();
        assertEquals(1, invalids.size(), told.toString());
        Notice notice = invalids.get(0);
        assertEquals(invalid, notice.revision());
        assertEquals(Optional.of(sha), notice.sha(), "the last valid state's");
        assertTrue(notice.message().startsWith("desired state is invalid (apps/hello/test.yaml:")
                && notice.message().endsWith("; still reconciling the last valid state, " + sha.substring(0, 7)),
                notice.message());

        fleet.deploy(sha, "");
        fleet.reconciler.runOnce();
        fleet.writeEnv(fleet.envYaml("not-a-sha", fleet.requirementsHash().toString(), ""));
        fleet.reconciler.runOnce();

        assertEquals(2, told.stream().filter(n -> n.event() == Notice.Event.INVALID).count(),
                "invalid again after it was valid: told again");
    }

    @Test
    void aHaltedRolloutIsToldOnceWithItsRollbackAndError() throws Exception {
        String good = fleet.app.head();
        fleet.deploy(good, "");
        fleet.reconciler.runOnce();
        String bad = fleet.commitApp("app.py", "broken\n");
        String revision = fleet.writeEnv(fleet.envYaml(bad, fleet.requirementsHash().toString(), "")
                .replace("\"$HOME/restarts\"\n", "\"$HOME/restarts\"; test \"$TRUEUP_SHA\" != " + bad + "\n"));

        for (int cycle = 0; cycle < 3; cycle++) {
            fleet.reconciler.runOnce();
        }

        assertEquals(SyncStatus.Halted, fleet.status().status(), fleet.status().toString());
        assertEquals(List.of(Notice.Event.STARTED, Notice.Event.FINISHED, Notice.Event.STARTED,
                Notice.Event.ROLLBACK, Notice.Event.HALTED), events(), told.toString());
        assertTrue(receiver.received(3, Duration.ofSeconds(30)), "finished, rollback and halted were sent");
        List<JsonNode> bodies = signedBodies();
        assertEquals(List.of("finished", "rollback", "halted"), bodies.stream().map(b -> b.get("event").asText())
                .toList());
        JsonNode halted = bodies.get(2);
        assertEquals(bad, halted.get("sha").asText());
        assertEquals(revision, halted.get("revision").asText());
        assertEquals("Halted", halted.get("status").asText());
        assertEquals(fleet.status().error().orElseThrow(), halted.get("message").asText(),
                "the message is the status's error");
        assertTrue(halted.get("message").asText().contains("step restart failed"), halted.toString());
        assertTrue(bodies.get(1).get("message").asText().contains("rolled back to " + good.substring(0, 7)),
                bodies.get(1).toString());
    }
}
