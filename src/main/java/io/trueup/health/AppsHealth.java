package io.trueup.health;

import io.smallrye.health.api.HealthGroup;
import io.trueup.access.AccessTokens;
import io.trueup.status.AppStatus;
import io.trueup.status.StatusBoard;
import io.trueup.status.SyncStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * The health group {@code apps} ({@code /q/health/group/apps}): DOWN while any app/environment
 * is Halted, Degraded or Invalid, with each of those as {@code app/env → "Status: error"} in its
 * data; UP otherwise. It is a group of its own, not readiness, because a broken app is no reason
 * to stop serving trueup's API. Health stays open for monitoring: while the API's reads need a
 * token, the data says only each one's status, never its error (hosts, paths, output). Reads the
 * status board only; does no I/O.
 */
@HealthGroup("apps")
@ApplicationScoped
public class AppsHealth implements HealthCheck {

    /** The statuses that need an operator (or the network) before they get better. */
    static final Set<SyncStatus> UNHEALTHY = EnumSet.of(SyncStatus.Halted, SyncStatus.Degraded, SyncStatus.Invalid);

    @Inject
    StatusBoard board;

    @Inject
    AccessTokens tokens;

    @Override
    public HealthCheckResponse call() {
        List<AppStatus> apps = board.apps();
        List<AppStatus> unhealthy = apps.stream().filter(a -> UNHEALTHY.contains(a.status())).toList();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("apps").status(unhealthy.isEmpty())
                .withData("apps", apps.size());
        boolean open = !tokens.readsNeedToken();
        unhealthy.forEach(a -> response.withData(a.id().toString(),
                a.status() + a.error().filter(e -> open).map(e -> ": " + e).orElse("")));
        return response.build();
    }
}
