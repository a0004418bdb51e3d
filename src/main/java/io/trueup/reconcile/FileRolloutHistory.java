package io.trueup.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.trueup.ErrorText;
import io.trueup.TrueupException;
import io.trueup.desired.AppEnv;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * from those files after a restart. A file that would grow past its limit is first renamed to
 * {@code <app>.<env>.jsonl.1} (replacing the one before), so each app/environment keeps at most
 * twice the limit on disk, and the older file is read too when the newer one holds fewer than
 * {@link #RECENT} rollouts. Only the last {@code limit} bytes of each file are read (a line cut
 * there is skipped), and each text of a host's result is capped ({@link ErrorText}), so neither
 * memory nor the start of trueup depends on how large the files grew. Files of app/environments no longer in desired state are left as they
 * are, and read like any other. Thread-safe.
 */
public final class FileRolloutHistory implements RolloutHistory {

    /** The size past which an app/environment's file is rotated: 1 MiB, thousands of rollouts. */
    static final long LIMIT = 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .registerModule(new Jdk8Module()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final long limit;
    private final Map<AppEnv, Deque<Entry>> recent = new ConcurrentHashMap<>();

    public FileRolloutHistory(Path dir) {
        this(dir, LIMIT);
    }

    /** @param limit the size in bytes past which a file is rotated */
    FileRolloutHistory(Path dir, long limit) {
        this.dir = dir;
        this.limit = limit;
    }

    @Override
    public void add(AppEnv id, Entry entry) {
        Deque<Entry> entries = entriesOf(id);
        synchronized (entries) {
            entries.addFirst(entry);
            while (entries.size() > RECENT) {
                entries.removeLast();
            }
            Path file = file(id);
            try {
                byte[] line = (JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
                Files.createDirectories(dir);
                long size = Files.exists(file) ? Files.size(file) : 0;
                if (size > 0 && size + line.length > limit) {
                    Files.move(file, rotated(file), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                }
                Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new TrueupException("cannot append to " + file + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public List<Entry> recent(AppEnv id) {
        Deque<Entry> entries = entriesOf(id);
        synchronized (entries) {
            return new ArrayList<>(entries);
        }
    }

    private Deque<Entry> entriesOf(AppEnv id) {
        return recent.computeIfAbsent(id, this::load);
    }

    /** The newest {@link #RECENT} rollouts of {@code id} in its files, from the rotated one if need be. */
    private Deque<Entry> load(AppEnv id) {
        Path file = file(id);
        List<String> lines = new ArrayList<>(lines(file, limit));
        if (lines.size() < RECENT) {
            lines.addAll(0, lines(rotated(file), limit));
        }
        Deque<Entry> entries = new ArrayDeque<>();
        for (String line : lines.subList(Math.max(0, lines.size() - RECENT), lines.size())) {
            try {
                entries.addFirst(JSON.readValue(line, Entry.class));
            } catch (IOException e) {
                throw new TrueupException("cannot read rollout history " + file + " (or " + rotated(file).getFileName()
                        + "): " + e.getMessage(), e);
            }
        }
        return entries;
    }

    /**
     * The whole lines that are not blank among the last {@code most} bytes of {@code file} (a
     * file is never read whole: one written by hand, or by an earlier version, may be of any
     * size); none if it is not there.
     */
    private static List<String> lines(Path file, long most) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long from = Math.max(0, size - most);
            ByteBuffer bytes = ByteBuffer.allocate((int) (size - from));
            while (bytes.hasRemaining() && channel.read(bytes, from + bytes.position()) >= 0) {
                // reads until the buffer is full or the file ends
            }
            List<String> lines = new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8).lines()
                    .toList();
            // Read from the middle of a line: that line is not whole.
            return lines.stream().skip(from > 0 ? 1 : 0).filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new TrueupException("cannot read rollout history " + file + ": " + e.getMessage(), e);
        }
    }

    private static Path rotated(Path file) {
        return file.resolveSibling(file.getFileName() + ".1");
    }

    private Path file(AppEnv id) {
        return dir.resolve(id.app() + "." + id.env() + ".jsonl");
    }
}
