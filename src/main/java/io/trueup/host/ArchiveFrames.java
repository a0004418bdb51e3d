package io.trueup.host;

import io.trueup.ssh.RemoteCommand;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How an archive travels to a host's release step (archive.sh reads it): in frames of
 * {@code <length>\n<bytes>}, ended by {@code 0 <SHA-256 of every byte> <length of all>\n}, so that
 * the host reads exactly the archive, never the stdin that follows it, and keeps nothing of one
 * cut short or altered.
 */
final class ArchiveFrames extends OutputStream {

    /** The most a frame holds: what is written between frames is held in memory up to this. */
    static final int FRAME = 64 * 1024;

    private final OutputStream out;
    private final MessageDigest sum;
    private final byte[] buffer = new byte[FRAME];
    private int held;
    private long total;

    private ArchiveFrames(OutputStream out) {
        this.out = out;
        try {
            this.sum = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** {@code archive}'s bytes, framed as the host reads them. */
    static RemoteCommand.Source framed(RemoteCommand.Source archive) {
        return out -> {
            ArchiveFrames frames = new ArchiveFrames(out);
            archive.writeTo(frames);
            frames.end();
        };
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        while (length > 0) {
            int n = Math.min(length, FRAME - held);
            System.arraycopy(bytes, offset, buffer, held, n);
            held += n;
            offset += n;
            length -= n;
            if (held == FRAME) {
                frame();
            }
        }
    }

    /** Sends what is held as one frame. */
    private void frame() throws IOException {
        if (held == 0) {
            return;
        }
        out.write((held + "\n").getBytes(StandardCharsets.US_ASCII));
        out.write(buffer, 0, held);
        sum.update(buffer, 0, held);
        total += held;
        held = 0;
    }

    /** Sends the last frame and the end, which says what came. */
    private void end() throws IOException {
        frame();
        out.write(("0 " + HexFormat.of().formatHex(sum.digest()) + " " + total + "\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The archive's writer may close it: the end is written by {@link #framed} alone. */
    @Override
    public void close() {
    }
}
