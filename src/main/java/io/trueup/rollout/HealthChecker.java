package io.trueup.rollout;

import io.trueup.WholeExchange;
import io.trueup.desired.AppSpec;
import io.trueup.desired.Health;
import io.trueup.desired.HostAddress;
import io.trueup.host.HostCommands;
import io.trueup.ssh.CommandResult;
import io.trueup.ssh.RemoteException;
import io.trueup.ssh.RemoteShell;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Polls a host's health check after a restart until it passes or its timeout runs out: an
 * HTTP GET from here (any 2xx passes) or a command on the host (exit 0 passes). Each attempt
 * ends by its time, whatever the host sends, and reads at most a small prefix of a body. Safe
 * to share between threads.
 */
public final class HealthChecker {

    /** How many bytes of a failed answer's body are read, to say why it failed. */
    static final int BODY_PREFIX = 200;

    private final RemoteShell shell;
    private final HttpClient http;
    private final Clock clock;

    public HealthChecker(RemoteShell shell, HttpClient http, Clock clock) {
        this.shell = shell;
        this.http = http;
        this.clock = clock;
    }

    /** Empty when healthy (or no check is configured), else why not. */
    Optional<StepFailure> check(AppSpec spec, HostAddress host) {
        Health health = spec.health();
        if (!health.configured()) {
            return Optional.empty();
        }
        Instant start = clock.instant();
        Instant deadline = start.plus(health.timeout());
        Instant graceEnds = start.plus(health.grace());
        int definiteInARow = 0;
        for (int attempt = 1; ; attempt++) {
            Duration left = Duration.between(clock.instant(), deadline);
            Optional<Failure> failure = attempt(spec, host, left.isNegative() ? Duration.ofMillis(1) : left);
            if (failure.isEmpty()) {
                return Optional.empty();
            }
            boolean counts = failure.get().definite() && !clock.instant().isBefore(graceEnds);
            definiteInARow = counts ? definiteInARow + 1 : 0;
            if (definiteInARow >= health.retries()) {
                return Optional.of(new StepFailure("health", "health check of " + host + " failed " + definiteInARow
                        + " time(s) in a row", failure.get().problem(), false));
            }
            if (!clock.instant().plus(health.interval()).isBefore(deadline)) {
                return Optional.of(new StepFailure("health", "health check of " + host + " did not pass within "
                        + health.timeout().toMillis() + "ms (" + attempt + " attempts)", failure.get().problem(),
                        false));
            }
            sleep(health.interval());
        }
    }

    /**
     * One attempt at {@code host}'s health check, as the periodic check of a converged host
     * makes it: the reason when it definitely fails (no answer at all is not counted), else empty.
     */
    public Optional<String> probe(AppSpec spec, HostAddress host) {
        if (!spec.health().configured()) {
            return Optional.empty();
        }
        return attempt(spec, host, spec.health().interval().multipliedBy(5)).filter(Failure::definite)
                .map(Failure::problem);
    }

    /** Why an attempt failed, and whether that is a definite answer rather than no answer yet. */
    private record Failure(String problem, boolean definite) {
    }

    private Optional<Failure> attempt(AppSpec spec, HostAddress host, Duration left) {
        Health health = spec.health();
        if (health.http().isPresent()) {
            return get(health.urlFor(host).orElseThrow(), min(left, health.interval().multipliedBy(5)));
        }
        try {
            CommandResult result = shell.run(HostCommands.target(spec, host),
                    HostCommands.health(spec, host, health.command().orElseThrow()), left);
            return result.ok() ? Optional.empty()
                    : Optional.of(new Failure("exit " + result.exitCode() + ": " + result.tail(10), true));
        } catch (RemoteException e) {
            return Optional.of(new Failure(e.getMessage(), false));
        }
    }

    /**
     * One GET of {@code url}, the whole exchange bounded by {@code timeout} (not only its headers:
     * a body that drips or never ends cannot hold the check past it). Only the status counts; of
     * a body, at most {@link #BODY_PREFIX} bytes are read, and only to say why the check failed.
     */
    private Optional<Failure> get(String url, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
        try {
            HttpResponse<String> response = WholeExchange.send(http, request, BodyPrefix.handler(BODY_PREFIX),
                    timeout);
            int status = response.statusCode();
            return status / 100 == 2 ? Optional.empty()
                    : Optional.of(new Failure("GET " + url + " answered " + status
                            + (response.body().isEmpty() ? "" : ": " + response.body()), true));
        } catch (WholeExchange.Overdue e) {
            return Optional.of(new Failure("GET " + url + ": " + e.getMessage(), false));
        } catch (ConnectException e) {
            return Optional.of(new Failure("GET " + url + ": connection refused", true));
        } catch (IOException | RuntimeException e) {
            return Optional.of(new Failure("GET " + url + " failed: " + e, false));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(new Failure("interrupted", true));
        }
    }

    private static Duration min(Duration a, Duration b) {
        Duration m = a.compareTo(b) <= 0 ? a : b;
        return m.isZero() || m.isNegative() ? Duration.ofMillis(100) : m;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
