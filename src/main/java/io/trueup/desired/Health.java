package io.trueup.desired;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to tell that a host serves a release well after its restart: an HTTP URL (any 2xx is
 * healthy; {@code {host}} stands for the host's name) fetched by trueup, or a command run on
 * the host in the release directory (exit 0 is healthy). Polled every {@code interval} until
 * healthy; it fails once {@code timeout} has passed, or earlier, after {@code retries} definite
 * failures in a row (an HTTP status that is not 2xx, a refused connection, a non-zero exit)
 * counted once {@code grace} has passed since the restart. With neither http nor command, a
 * host is done when its restart exits 0.
 */
public record Health(Optional<String> http, Optional<String> command, Duration timeout, Duration interval,
        int retries, Duration grace) {

    public static final Health NONE = new Health(Optional.empty(), Optional.empty(), Duration.ofSeconds(30),
            Duration.ofSeconds(1), 3, Duration.ofSeconds(5));

    public Health {
        Objects.requireNonNull(http);
        Objects.requireNonNull(command);
        if (http.isPresent() && command.isPresent()) {
            throw new IllegalArgumentException("health takes http or command, not both");
        }
        if (timeout.isNegative() || timeout.isZero() || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("health timeout and interval must be positive");
        }
        if (retries < 1 || grace.isNegative()) {
            throw new IllegalArgumentException("health retries must be at least 1 and grace not negative");
        }
    }

    public boolean configured() {
        return http.isPresent() || command.isPresent();
    }

    /** The URL to check for {@code host}: {@code {host}} becomes its name, or its IPv6 address in brackets. */
    public Optional<String> urlFor(HostAddress host) {
        return http.map(u -> u.replace("{host}", host.urlHost()));
    }
}
