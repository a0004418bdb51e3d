package io.trueup.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.AppEnv;
import io.trueup.desired.HostAddress;
import io.trueup.desired.ReleaseId;
import io.trueup.desired.Sha;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Running rollouts kept in the state directory: read back as written, after a restart. */
class RolloutStoreTest {

    private static final AppEnv ID = new AppEnv("hello", "prod");
    private static final HostAddress WEB1 = HostAddress.parse("web1:2222");
    private static final HostAddress WEB2 = HostAddress.parse("web2");
    private static final ReleaseId OLD = ReleaseId.of(new Sha("a".repeat(40)));
    private static final ReleaseId NEW = ReleaseId.parse("b".repeat(40) + "-0123456789ab").orElseThrow();

    @TempDir
    Path dir;

    private static RolloutRecord midway() {
        return RolloutRecord.start(ID, "rev2", "key2", Instant.parse("2026-12-06T12:00:00Z"),
                List.of(List.of(WEB1), List.of(WEB2)), host -> NEW)
                .with(WEB1, p -> p.started(Optional.of(OLD), Optional.empty()).at(Phase.SWITCHED, Optional.of("switch")))
                .with(WEB2, p -> p.failed(Phase.FAILED, "restart", "exit 3", "unit failed", false,
                        Optional.of(new HostOutcome.Rollback(OLD, true, "switched back"))))
                .atBatch(1, Optional.of(Instant.parse("2026-12-06T12:00:30Z")));
    }

    @Test
    void aRecordIsReadBackWholeAfterARestart() {
        new FileRolloutStore(dir).save(midway());

        RolloutStore restarted = new FileRolloutStore(dir);

        assertEquals(Optional.of(midway()), restarted.get(ID));
    }

    @Test
    void theRecordIsAFileAPersonCanReadAndNoTemporaryFileStays() throws Exception {
        new FileRolloutStore(dir).save(midway());

        String json = Files.readString(dir.resolve("hello.prod.json"));

        assertTrue(json.contains("\"web1:2222\""), json);
        assertTrue(json.contains("\"SWITCHED\""), json);
        assertTrue(json.contains(NEW.name()), json);
        assertFalse(Files.exists(dir.resolve("hello.prod.json.new")));
    }

    @Test
    void anAbortAskedForWhileAStepRunsIsKeptWhenTheStepSavesItsRecord() {
        RolloutStore store = new FileRolloutStore(dir);
        RolloutRecord running = store.save(midway());

        assertTrue(store.abort(ID));
        RolloutRecord saved = store.save(running.atBatch(1, Optional.empty()));

        assertTrue(saved.abort());
        assertTrue(new FileRolloutStore(dir).get(ID).orElseThrow().abort());
    }

    @Test
    void anUnreadableRecordIsSetAsideAndTheOthersAreReadBack() throws Exception {
        new FileRolloutStore(dir).save(midway());
        Files.writeString(dir.resolve("hello.staging.json"), "{\"id\": \"hello/staging\", \"batches\": 3");

        RolloutStore restarted = new FileRolloutStore(dir);

        assertEquals(Optional.of(midway()), restarted.get(ID), "the readable one goes on");
        assertEquals(Optional.empty(), restarted.get(new AppEnv("hello", "staging")));
        assertTrue(Files.exists(dir.resolve("hello.staging.json.unreadable")), "kept for a look, not read again");
        assertFalse(Files.exists(dir.resolve("hello.staging.json")));
    }

    @Test
    void anEndedRolloutLeavesNoFile() {
        RolloutStore store = new FileRolloutStore(dir);
        store.save(midway());

        store.remove(ID);

        assertEquals(Optional.empty(), new FileRolloutStore(dir).get(ID));
        assertFalse(store.abort(ID), "nothing to abort");
    }

    @Test
    void rolloutsOfAppsRemovedFromDesiredStateAreForgotten() {
        RolloutStore store = new FileRolloutStore(dir);
        store.save(midway());

        store.retain(Set.of(new AppEnv("hello", "staging")));

        assertEquals(Optional.empty(), new FileRolloutStore(dir).get(ID));
    }
}
