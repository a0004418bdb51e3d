package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.AppEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller's rollout history, in real files of a state directory. */
class RolloutHistoryTest {

    private static final AppEnv ID = new AppEnv("hello", "prod");

    @TempDir
    Path state;
    Path dir;

    @BeforeEach
    void historyDir() {
        dir = state.resolve("history");
    }

    @Test
    void aFileThatReachesItsLimitIsRotatedKeepingOnlyOneOlderFile() throws IOException {
        long line = lineSize();
        RolloutHistory history = new FileRolloutHistory(dir, 40 * line);

        IntStream.range(0, 100).forEach(n -> history.add(ID, entry(n)));

        assertEquals(List.of("hello.prod.jsonl", "hello.prod.jsonl.1"), files());
        assertEquals(20 * line, Files.size(dir.resolve("hello.prod.jsonl")), "the newest 20 since the last rotation");
        assertEquals(40 * line, Files.size(dir.resolve("hello.prod.jsonl.1")), "never past the limit");
        assertFalse(Files.readString(dir.resolve("hello.prod.jsonl.1")).contains("\"r039\""), "the oldest are gone");
    }

    @Test
    void afterARestartTheNewestRolloutsAreReadFromTheRotatedFileToo() {
        RolloutHistory history = new FileRolloutHistory(dir, 40 * lineSize());
        IntStream.range(0, 100).forEach(n -> history.add(ID, entry(n)));

        List<RolloutHistory.Entry> served = new FileRolloutHistory(dir, 40 * lineSize()).recent(ID);

        assertEquals(RolloutHistory.RECENT, served.size());
        assertEquals(IntStream.iterate(99, n -> n - 1).limit(RolloutHistory.RECENT).mapToObj(n -> entry(n).revision())
                .toList(), served.stream().map(RolloutHistory.Entry::revision).toList(), "newest first, none missing");
        assertEquals(history.recent(ID), served, "as served before the restart");
    }

    @Test
    void anAppRemovedFromDesiredStateKeepsItsHistoryReadable() throws IOException {
        new FileRolloutHistory(dir).add(new AppEnv("old", "prod"), entry(1));

        assertEquals(List.of(entry(1)), new FileRolloutHistory(dir).recent(new AppEnv("old", "prod")));
        assertTrue(Files.exists(dir.resolve("old.prod.jsonl")));
    }

    @Test
    void aHostsErrorAndOutputAreCappedInMemoryAndOnDisk() throws IOException {
        String line = "x".repeat(100_000);
        String output = String.join("\n", java.util.Collections.nCopies(20, line));
        RolloutHistory history = new FileRolloutHistory(dir);
        history.add(ID, new RolloutHistory.Entry("r001", "a".repeat(40), "1".repeat(64),
                Instant.parse("2026-11-22T03:00:00Z"), Duration.ofSeconds(7), "halted: web1 failed",
                List.of(new RolloutHistory.HostResult("web1", "failed", "restart", "restart failed: " + line,
                        output))));

        for (RolloutHistory served : List.of(history, new FileRolloutHistory(dir))) {
            RolloutHistory.HostResult host = served.recent(ID).get(0).hosts().get(0);
            assertTrue(host.error().length() <= io.trueup.ErrorText.TEXT, "error: " + host.error().length());
            assertTrue(host.error().endsWith("[trueup: line cut]"), "says it was cut");
            assertTrue(host.output().length() <= io.trueup.ErrorText.TEXT, "output: " + host.output().length());
            assertTrue(host.output().startsWith("[trueup: "), "says lines were cut: " + host.output().substring(0, 40));
            assertTrue(host.output().lines().allMatch(l -> l.length() <= io.trueup.ErrorText.LINE));
        }
        assertTrue(Files.size(dir.resolve("hello.prod.jsonl")) < 3 * io.trueup.ErrorText.TEXT,
                "the history line is small: " + Files.size(dir.resolve("hello.prod.jsonl")));
    }

    @Test
    void afterARestartOnlyTheTailOfAHistoryFileIsRead() throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("hello.prod.jsonl");
        // Far more than the limit of one line that is not a rollout (damaged, say), then the rollouts.
        Path scratch = state.resolve("scratch");
        RolloutHistory written = new FileRolloutHistory(scratch);
        IntStream.range(0, 10).forEach(n -> written.add(ID, entry(n)));
        Files.writeString(file, "x".repeat(3 * 1024 * 1024) + "\n"
                + Files.readString(scratch.resolve("hello.prod.jsonl")));

        List<RolloutHistory.Entry> served = new FileRolloutHistory(dir).recent(ID);

        assertEquals(IntStream.range(0, 10).map(n -> 9 - n).mapToObj(RolloutHistoryTest::entry).toList(), served);
    }

    /** The size of one history line of {@link #entry}, all of which are the same size. */
    private long lineSize() {
        Path scratch = state.resolve("scratch");
        try {
            new FileRolloutHistory(scratch).add(ID, entry(0));
            return Files.size(scratch.resolve("hello.prod.jsonl"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private List<String> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static RolloutHistory.Entry entry(int n) {
        return new RolloutHistory.Entry(String.format("r%03d", n), "a".repeat(40), "1".repeat(64),
                Instant.parse("2026-11-22T03:00:00Z").plusSeconds(n), Duration.ofSeconds(7), "succeeded",
                List.of(new RolloutHistory.HostResult("web1", "deployed", null, null, null)));
    }
}
