package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.AppEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What trueup remembers across restarts, in a real file. */
class ControlStoreTest {

    private static final AppEnv KEPT = new AppEnv("hello", "prod");
    private static final AppEnv REMOVED = new AppEnv("old", "prod");
    private static final ControlStore.Halt HALT = new ControlStore.Halt("abc/123", "step env failed",
            Instant.parse("2026-11-22T03:00:00Z"));

    @TempDir
    Path dir;

    @Test
    void appsRemovedFromDesiredStateLeaveTheFileAndStayGoneAfterARestart() {
        Path file = dir.resolve("control.json");
        ControlStore store = new FileControlStore(file);
        for (AppEnv id : Set.of(KEPT, REMOVED)) {
            store.halt(id, HALT);
            store.pause(id, true);
            store.applied(id, "key-" + id.app());
        }

        assertTrue(store.retain(Set.of(KEPT)));

        ControlStore restarted = new FileControlStore(file);
        assertEquals(Optional.empty(), restarted.halt(REMOVED));
        assertFalse(restarted.paused(REMOVED));
        assertEquals(Optional.empty(), restarted.applied(REMOVED));
        assertEquals(Optional.of(HALT), restarted.halt(KEPT), "what is still desired is kept");
        assertTrue(restarted.paused(KEPT));
        assertEquals(Optional.of("key-hello"), restarted.applied(KEPT));
    }

    @Test
    void retainingEveryAppThereIsLeavesTheFileUnwritten() throws IOException {
        Path file = dir.resolve("control.json");
        ControlStore store = new FileControlStore(file);
        store.pause(KEPT, true);
        FileTime written = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(file, written);

        assertFalse(store.retain(Set.of(KEPT, REMOVED)));

        assertEquals(written, Files.getLastModifiedTime(file), "nothing to forget, no write");
        assertTrue(store.paused(KEPT));
    }
}
