package io.trueup.render;

import io.trueup.TrueupException;

/** A secret that is not there or cannot be read; the message never holds a value. */
public final class SecretException extends TrueupException {
    public SecretException(String message) {
        super(message);
    }
}
