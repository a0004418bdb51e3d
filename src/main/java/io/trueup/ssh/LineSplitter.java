package io.trueup.ssh;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Passes a command's output on to {@code out} and gives each complete line (UTF-8, without its
 * newline) to {@code lines} as it arrives. Of a line longer than {@link #MAX_LINE} bytes, only
 * that many are given. For one writer.
 */
final class LineSplitter extends OutputStream {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(LineSplitter.class);

    static final int MAX_LINE = 4096;

    private final OutputStream out;
    private final Consumer<String> lines;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineSplitter(OutputStream out, Consumer<String> lines) {
        this.out = out;
        this.lines = lines;
    }

    @Override
    public void write(int b) throws java.io.IOException {
        out.write(b);
        take((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws java.io.IOException {
        out.write(bytes, offset, length);
        for (int i = offset; i < offset + length; i++) {
            take(bytes[i]);
        }
    }

    private void take(byte b) {
        if (b == '\n') {
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            try {
                lines.accept(text);
            } catch (RuntimeException e) {
                // The command's output must reach its buffer whatever a listener does.
                LOG.warnf(e, "a listener of a command's output failed on the line: %s", text);
            }
        } else if (line.size() < MAX_LINE) {
            line.write(b);
        }
    }
}
