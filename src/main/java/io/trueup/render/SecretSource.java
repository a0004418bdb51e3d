package io.trueup.render;

/**
 * Where the values of {@code {secret:NAME}} come from. Implementations are safe to call from
 * many threads.
 */
public interface SecretSource {

    /**
     * The value of secret {@code name} (a validated name).
     *
     * @throws SecretException when there is no such secret or it cannot be read; the message
     *     names the secret and where it was looked for, never a value
     */
    String value(String name);

    /** Whether the values are real (to be masked wherever host output is shown), or stand-ins. */
    boolean real();
}
