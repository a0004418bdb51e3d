package io.trueup.ssh;

import java.util.Optional;

/**
 * Hears a running command's stdout, line by line, and may answer it on its stdin, as a person
 * answers a prompt: once, with one line. A command run with a listener keeps its stdin open until
 * it ends, with no end of file after the answer: one that reads its stdin past a line waits (up to
 * the command's timeout).
 */
@FunctionalInterface
public interface StdoutListener {

    /** A listener that only hears. */
    StdoutListener NONE = line -> Optional.empty();

    /**
     * Hears one line of stdout (without its newline), on the SSH client's thread: returns the line
     * to write to the command's stdin in answer (its newline is added), or empty to say nothing.
     */
    Optional<String> hear(String line);
}
