package io.trueup.ssh;

import io.trueup.ErrorText;
import java.time.Duration;

/** What a remote command left: its exit code and captured output. */
public record CommandResult(int exitCode, String stdout, String stderr, Duration took) {

    public boolean ok() {
        return exitCode == 0;
    }

    /**
     * The last {@code lines} lines of stderr (or of stdout when stderr is empty), for messages,
     * capped as {@link ErrorText#tail} caps them.
     */
    public String tail(int lines) {
        String text = stderr.isBlank() ? stdout : stderr;
        String[] all = text.strip().split("\n");
        int from = Math.max(0, all.length - lines);
        return ErrorText.tail(String.join("\n", java.util.Arrays.asList(all).subList(from, all.length)));
    }
}
