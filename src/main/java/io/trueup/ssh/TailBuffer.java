package io.trueup.ssh;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Collects a command's output, keeping only the last {@code capacity} bytes: the end of a long
 * log is what explains a failure. When bytes were dropped, {@link #text()} says how many.
 * Safe for one writer and any reader.
 */
final class TailBuffer extends OutputStream {

    private final byte[] ring;
    private long written;

    TailBuffer(int capacity) {
        this.ring = new byte[capacity];
    }

    @Override
    public synchronized void write(int b) {
        ring[(int) (written++ % ring.length)] = (byte) b;
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
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
