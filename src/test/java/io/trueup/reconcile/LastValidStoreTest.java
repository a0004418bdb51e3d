package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.TrueupException;
import io.trueup.desired.AppEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LastValidStoreTest {

    private static final AppEnv HELLO = new AppEnv("hello", "test");
    private static final AppEnv SHOP = new AppEnv("shop", "prod");
    private static final AppEnv BLOG = new AppEnv("blog", "prod");
    private static final String R1 = "1111111111111111111111111111111111111111";
    private static final String R2 = "2222222222222222222222222222222222222222";

    @TempDir
    Path dir;

    @Test
    void theRevisionOfEachLastValidStateIsThereAfterARestart() {
        Path file = dir.resolve("state/last-valid.json");
        LastValidStore.at(file).update(Set.of(HELLO, SHOP), Map.of(HELLO, R1, SHOP, R2));

        LastValidStore restarted = LastValidStore.at(file);

        assertEquals(Optional.of(R1), restarted.revision(HELLO));
        assertEquals(Optional.of(R2), restarted.revision(SHOP));
        assertEquals(Optional.empty(), restarted.revision(BLOG));
    }

    @Test
    void appsNoLongerInDesiredStateAreDroppedAndInvalidOnesKeepTheirRevision() {
        Path file = dir.resolve("last-valid.json");
        LastValidStore store = LastValidStore.at(file);
        store.update(Set.of(HELLO, SHOP), Map.of(HELLO, R1, SHOP, R1));

        // hello is invalid now (no valid revision given), shop left desired state, blog is new.
        store.update(Set.of(HELLO, BLOG), Map.of(BLOG, R2));

        LastValidStore restarted = LastValidStore.at(file);
        assertEquals(Optional.of(R1), restarted.revision(HELLO));
        assertEquals(Optional.empty(), restarted.revision(SHOP));
        assertEquals(Optional.of(R2), restarted.revision(BLOG));
    }

    @Test
    void theFileIsReplacedWholeSoAFailedWriteLeavesTheOldContentAndIsTriedAgain() throws Exception {
        Path file = dir.resolve("last-valid.json");
        LastValidStore store = LastValidStore.at(file);
        store.update(Set.of(HELLO), Map.of(HELLO, R1));
        String old = Files.readString(file);
        assertFalse(Files.exists(dir.resolve("last-valid.json.new")), "the temporary file was renamed");
        Files.createDirectories(dir.resolve("last-valid.json.new/blocked"));

        TrueupException error = assertThrows(TrueupException.class,
                () -> store.update(Set.of(HELLO), Map.of(HELLO, R2)));

        assertTrue(error.getMessage().startsWith("cannot write trueup's state file " + file), error.getMessage());
        assertEquals(old, Files.readString(file));
        Files.delete(dir.resolve("last-valid.json.new/blocked"));
        Files.delete(dir.resolve("last-valid.json.new"));
        store.update(Set.of(HELLO), Map.of(HELLO, R2));
        assertEquals(Optional.of(R2), LastValidStore.at(file).revision(HELLO));
    }

    @Test
    void nothingIsWrittenWhenNothingChanged() throws Exception {
        Path file = dir.resolve("last-valid.json");
        LastValidStore store = LastValidStore.at(file);
        store.update(Set.of(HELLO), Map.of(HELLO, R1));
        Files.delete(file);

        store.update(Set.of(HELLO), Map.of(HELLO, R1));

        assertFalse(Files.exists(file));
    }

    @Test
    void anUnreadableFileIsNamedInTheError() throws Exception {
        Path file = dir.resolve("last-valid.json");
        Files.writeString(file, "{ not json");

        TrueupException error = assertThrows(TrueupException.class, () -> LastValidStore.at(file));

        assertTrue(error.getMessage().startsWith("cannot read trueup's state file " + file), error.getMessage());
    }

    @Test
    void anInMemoryStoreKeepsRevisionsWhileTrueupRuns() {
        LastValidStore store = LastValidStore.inMemory();

        store.update(Set.of(HELLO), Map.of(HELLO, R1));

        assertEquals(Optional.of(R1), store.revision(HELLO));
    }
}
