package io.trueup.ssh;

import io.trueup.ErrorText;
import java.time.Duration;

/** What a remote command left: its exit code and captured output. */
public record CommandResult(int exitCode, String stdout, String stderr, Duration took) {

    public boolean ok() {
        return exitCode == 0;
    }

    /**
     * The last {@code lines} lines of stderr (or of stdout when stderr is empty), for messages. Not
     * capped: a cap before an app's secrets are masked could leave part of one shown; what shows
     * the text caps it ({@link ErrorText}) after masking.
     */
    public String tail(int lines) {
        String text = stderr.isBlank() ? stdout : stderr;
        String[] all = text.strip().split("\n");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.asList(all).subList(from, all.length));
    }
}
