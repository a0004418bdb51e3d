package io.trueup.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.trueup.desired.AppEnv;
import io.trueup.desired.HostAddress;
import io.trueup.plan.Drift;
import io.trueup.status.AppStatus;
import io.trueup.status.HostState;
import io.trueup.status.HostStatus;
import io.trueup.status.StatusBoard;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The per-app/environment and per-host gauges: {@code trueup_app_info}, {@code trueup_app_hosts}
 * and {@code trueup_host_drift}. Their values are read from the status board when scraped; which
 * series exist is set by {@link #refresh()}, which drops the series of app/environments, hosts
 * and drifts that are gone (and the per-app meters of app/environments no longer in desired
 * state). Between refreshes a series that no longer holds reads 0. Safe to call concurrently.
 */
final class AppMetrics {

    static final String INFO = "trueup.app.info";
    static final String HOSTS = "trueup.app.hosts";
    static final String DRIFT = "trueup.host.drift";
    /** Meters tagged by app and env that other classes register, dropped with their app/environment. */
    static final Set<String> PER_APP = Set.of("trueup.reconcile.duration", "trueup.rollouts");

    private final StatusBoard board;
    private final MeterRegistry registry;
    private final MultiGauge info;
    private final MultiGauge hosts;
    private final MultiGauge drift;

    AppMetrics(StatusBoard board, MeterRegistry registry) {
        this.board = board;
        this.registry = registry;
        info = MultiGauge.builder(INFO).description("1 for each app/environment, with its sync and health status")
                .register(registry);
        hosts = MultiGauge.builder(HOSTS).description("Hosts of an app/environment in each state")
                .register(registry);
        drift = MultiGauge.builder(DRIFT)
                .description("1 for each way a host differs from its desired state, as last inspected")
                .register(registry);
    }

    /** Makes the series match the app/environments, hosts and drifts on the board now. */
    synchronized void refresh() {
        List<AppStatus> apps = board.apps();
        List<MultiGauge.Row<?>> infoRows = new ArrayList<>();
        List<MultiGauge.Row<?>> hostRows = new ArrayList<>();
        List<MultiGauge.Row<?>> driftRows = new ArrayList<>();
        for (AppStatus app : apps) {
            AppEnv id = app.id();
            Tags tags = tags(id);
            infoRows.add(MultiGauge.Row.of(tags.and("sync_status", app.status().name(), "health_status",
                    AppHealth.of(app.hosts()).name()), board, b -> infoValue(b.app(id), app)));
            for (HostState state : HostState.values()) {
                hostRows.add(MultiGauge.Row.of(tags.and("state", state.name()), board,
                        b -> b.app(id).map(a -> a.hosts().stream().filter(h -> h.state() == state).count())
                                .orElse(0L)));
            }
            for (HostStatus host : app.hosts()) {
                for (Drift kind : host.drift()) {
                    driftRows.add(MultiGauge.Row.of(tags.and("host", host.host().toString(), "kind", kind.name()),
                            board, b -> hasDrift(b.app(id), host.host(), kind) ? 1 : 0));
                }
            }
        }
        info.register(infoRows, true);
        hosts.register(hostRows, true);
        drift.register(driftRows, true);
        dropPerAppMetersExcept(apps.stream().map(AppStatus::id).collect(Collectors.toSet()));
    }

    static Tags tags(AppEnv id) {
        return Tags.of("app", id.app(), "env", id.env());
    }

    private static double infoValue(Optional<AppStatus> now, AppStatus then) {
        return now.filter(a -> a.status() == then.status()
                && AppHealth.of(a.hosts()) == AppHealth.of(then.hosts())).isPresent() ? 1 : 0;
    }

    private static boolean hasDrift(Optional<AppStatus> app, HostAddress host, Drift kind) {
        return app.stream().flatMap(a -> a.hosts().stream())
                .anyMatch(h -> h.host().equals(host) && h.drift().contains(kind));
    }

    private void dropPerAppMetersExcept(Set<AppEnv> keep) {
        for (Meter meter : registry.getMeters()) {
            Meter.Id id = meter.getId();
            if (PER_APP.contains(id.getName()) && id.getTag("app") != null && id.getTag("env") != null
                    && !keep.contains(new AppEnv(id.getTag("app"), id.getTag("env")))) {
                registry.remove(meter);
            }
        }
    }
}
