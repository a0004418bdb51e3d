package io.trueup.ssh;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Collects a command's output, keeping only the last {@code capacity} bytes: the end of a long
 * log is what explains a failure. When bytes were dropped, {@link #text()} says how many.
 * Memory grows with the output, up to {@code capacity}: most commands print a few lines, and
 * every command has two of these buffers (a 4 MB array each cost 8 MB per command, 4 GB per
 * inspection of 500 hosts). Safe for one writer and any reader.
 */
final class TailBuffer extends OutputStream {

    private static final int INITIAL = 1024;

    private final int capacity;
    private byte[] ring;
    private long written;

    TailBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.ring = new byte[Math.min(capacity, INITIAL)];
    }

    /** Grows the array for {@code total} bytes written in all; below capacity nothing has wrapped yet. */
    private void ensure(long total) {
        if (ring.length < capacity && total > ring.length) {
            ring = Arrays.copyOf(ring, (int) Math.min(capacity, Math.max(total, 2L * ring.length)));
        }
    }

    @Override
    public synchronized void write(int b) {
        ensure(written + 1);
        ring[(int) (written++ % ring.length)] = (byte) b;
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        ensure(written + length);
        if (length >= ring.length) {
            offset += length - ring.length;
            written += length - ring.length;
            length = ring.length;
        }
        int start = (int) (written % ring.length);
        int first = Math.min(length, ring.length - start);
        System.arraycopy(bytes, offset, ring, start, first);
        System.arraycopy(bytes, offset + first, ring, 0, length - first);
        written += length;
    }

    /** The bytes kept, as UTF-8, preceded by a note when earlier bytes were dropped. */
    synchronized String text() {
        if (written <= ring.length) {
            return new String(ring, 0, (int) written, StandardCharsets.UTF_8);
        }
        int start = (int) (written % ring.length);
        byte[] tail = new byte[ring.length];
        System.arraycopy(ring, start, tail, 0, ring.length - start);
        System.arraycopy(ring, 0, tail, ring.length - start, start);
        return "[trueup: first " + (written - ring.length) + " bytes dropped]\n"
                + new String(tail, StandardCharsets.UTF_8);
    }
}
