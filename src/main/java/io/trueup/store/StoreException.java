package io.trueup.store;

import io.trueup.TrueupException;

/**
 * The shared store (PostgreSQL) could not be read or written: unreachable, refused, or timed out.
 * Whoever asked must not act on what it could not read or write; the message says what was being
 * read or written and why it failed.
 */
public class StoreException extends TrueupException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
