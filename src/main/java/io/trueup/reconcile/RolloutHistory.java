package io.trueup.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.trueup.TrueupException;
import io.trueup.desired.AppEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rollouts of each app/environment, newest first: appended as JSON lines to
 * {@code <state-dir>/history/<app>.<env>.jsonl} and the most recent kept in memory, read back
 * from those files after a restart. Thread-safe.
 */
public final class RolloutHistory {

    /** How many rollouts per app/environment are kept in memory and served. */
    static final int RECENT = 50;

    /** One rollout: what it rolled out, when, for how long, how it ended, and each host's result. */
    public record Entry(String revision, String sha, String requirementsHash, Instant start, Duration duration,
            String result, List<HostResult> hosts) {
        public Entry {
            hosts = List.copyOf(hosts);
        }
    }

    /**
     * One host's result: {@code deployed}, {@code failed} (with step, error and the tail of the
     * step's output) or {@code reverted}.
     */
    public record HostResult(String host, String result, String step, String error, String output) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .registerModule(new Jdk8Module()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final Map<AppEnv, Deque<Entry>> recent = new ConcurrentHashMap<>();

    public RolloutHistory(Path dir) {
        this.dir = dir;
    }

    public void add(AppEnv id, Entry entry) {
        Deque<Entry> entries = entriesOf(id);
        synchronized (entries) {
            entries.addFirst(entry);
            while (entries.size() > RECENT) {
                entries.removeLast();
            }
            try {
                Files.createDirectories(dir);
                Files.writeString(file(id), JSON.writeValueAsString(entry) + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new TrueupException("cannot append to " + file(id) + ": " + e.getMessage(), e);
            }
        }
    }

    /** The recent rollouts of {@code id}, newest first. */
    public List<Entry> recent(AppEnv id) {
        Deque<Entry> entries = entriesOf(id);
        synchronized (entries) {
            return new ArrayList<>(entries);
        }
    }

    private Deque<Entry> entriesOf(AppEnv id) {
        return recent.computeIfAbsent(id, this::load);
    }

    private Deque<Entry> load(AppEnv id) {
        Deque<Entry> entries = new ArrayDeque<>();
        Path file = file(id);
        if (!Files.exists(file)) {
            return entries;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (String line : lines.subList(Math.max(0, lines.size() - RECENT), lines.size())) {
                if (!line.isBlank()) {
                    entries.addFirst(JSON.readValue(line, Entry.class));
                }
            }
            return entries;
        } catch (IOException e) {
            throw new TrueupException("cannot read rollout history " + file + ": " + e.getMessage(), e);
        }
    }

    private Path file(AppEnv id) {
        return dir.resolve(id.app() + "." + id.env() + ".jsonl");
    }
}
