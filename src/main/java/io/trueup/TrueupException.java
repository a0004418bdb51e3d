package io.trueup;

/**
 * Base of trueup's small unchecked error hierarchy. Adapters translate checked exceptions of
 * the libraries they wrap into subclasses whose messages name what failed and where (host,
 * app, environment, file, line), so that a message is fit to show a user as it is.
 */
public class TrueupException extends RuntimeException {

    public TrueupException(String message) {
        super(message);
    }

    public TrueupException(String message, Throwable cause) {
        super(message, cause);
    }
}
