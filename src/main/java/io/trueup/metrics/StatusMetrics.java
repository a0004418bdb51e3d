package io.trueup.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.trueup.status.AppStatus;
import io.trueup.status.HostState;
import io.trueup.status.StatusBoard;
import io.trueup.status.SyncStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Gauges read from the status board when scraped: app/environments per sync status, hosts
 * per state, and when desired state was last fetched (0 if never). They do no SSH and no git; with
 * {@code trueup.store=postgresql} each reads the statuses from the database. The series
 * per app/environment and per host are {@link AppMetrics}'.
 */
@Startup
@ApplicationScoped
public class StatusMetrics {

    @Inject
    StatusBoard board;

    @Inject
    MeterRegistry registry;

    @jakarta.annotation.PostConstruct
    void register() {
        for (SyncStatus status : SyncStatus.values()) {
            Gauge.builder("trueup.apps", board, b -> b.apps().stream().filter(a -> a.status() == status).count())
                    .description("App/environments by sync status").tag("status", status.name())
                    .register(registry);
        }
        for (HostState state : HostState.values()) {
            Gauge.builder("trueup.hosts", board, b -> b.apps().stream().map(AppStatus::hosts)
                            .flatMap(java.util.List::stream).filter(h -> h.state() == state).count())
                    .description("Hosts of all app/environments by state").tag("state", state.name())
                    .register(registry);
        }
        Gauge.builder("trueup.desired.state.last.success.timestamp", board,
                        b -> b.desired().fetchedAt().map(t -> t.toEpochMilli() / 1000.0).orElse(0.0))
                .description("When desired state was last fetched and parsed; 0 if never since trueup started").baseUnit("seconds")
                .register(registry);
    }
}
