package io.trueup.health;

import io.trueup.access.AccessTokens;
import io.trueup.config.TrueupConfig;
import io.trueup.status.DesiredStateStatus;
import io.trueup.status.StatusBoard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the desired-state repository was fetched and parsed within the last three poll
 * intervals. Health stays open for monitoring: while the API's reads need a token, the data
 * leaves out the revision and the error. Reads the status board only; does no I/O.
 */
@Readiness
@ApplicationScoped
public class DesiredStateReadiness implements HealthCheck {

    static final int STALE_AFTER_POLLS = 3;

    @Inject
    StatusBoard board;

    @Inject
    TrueupConfig config;

    @Inject
    Clock clock;

    @Inject
    AccessTokens tokens;

    @Override
    public HealthCheckResponse call() {
        DesiredStateStatus desired = board.desired();
        Duration limit = config.pollInterval().multipliedBy(STALE_AFTER_POLLS);
        Instant now = clock.instant();
        boolean fresh = desired.fetchedAt().map(t -> Duration.between(t, now).compareTo(limit) <= 0).orElse(false);
        HealthCheckResponseBuilder response = HealthCheckResponse.named("desired-state").status(fresh);
        boolean open = !tokens.readsNeedToken();
        desired.revision().filter(r -> open).ifPresent(r -> response.withData("revision", r));
        desired.fetchedAt().ifPresent(t -> response.withData("fetchedAt", t.toString()));
        desired.error().filter(e -> open).ifPresent(e -> response.withData("error", e));
        if (!fresh) {
            response.withData("reason", desired.fetchedAt().isEmpty() ? "not fetched yet"
                    : "not fetched within " + limit.toSeconds() + "s");
        }
        return response.build();
    }
}
