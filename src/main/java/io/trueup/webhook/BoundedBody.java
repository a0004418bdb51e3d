package io.trueup.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** Reads a request body only while it stays within a limit, so an oversized one is never held whole. */
public final class BoundedBody {

    private BoundedBody() {
    }

    /**
     * The whole of {@code in} when it has at most {@code max} bytes; empty, after reading at
     * most {@code max + 1} bytes, when it has more.
     */
    public static Optional<byte[]> read(InputStream in, long max) throws IOException {
        int limit = (int) Math.min(max, Integer.MAX_VALUE - 8);
        byte[] body = in.readNBytes(limit);
        return body.length == limit && in.read() != -1 ? Optional.empty() : Optional.of(body);
    }
}
