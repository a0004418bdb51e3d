package io.trueup.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trueup.desired.AppEnv;
import io.trueup.desired.HostAddress;
import io.trueup.plan.Drift;
import io.trueup.status.AppStatus;
import io.trueup.status.HostState;
import io.trueup.status.HostStatus;
import io.trueup.status.StatusBoard;
import io.trueup.status.SyncStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The per-app and per-host series follow the status board, and vanish with what they describe. */
class AppMetricsTest {

    private static final AppEnv PROD = new AppEnv("hello", "prod");
    private static final AppEnv STAGING = new AppEnv("hello", "staging");
    private static final HostAddress WEB1 = HostAddress.parse("web1");
    private static final HostAddress WEB2 = HostAddress.parse("web2:2222");

    private final StatusBoard board = new StatusBoard(Optional.empty(), "main");
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final AppMetrics metrics = new AppMetrics(board, registry);

    @Test
    void eachAppEnvironmentHasOneInfoSeriesWithItsSyncAndHealthStatus() {
        board.put(app(PROD, SyncStatus.Halted, host(WEB1, HostState.Failed), host(WEB2, HostState.Synced)));
        board.put(app(STAGING, SyncStatus.Synced, host(WEB1, HostState.Synced)));

        metrics.refresh();

        assertEquals(1, registry.get(AppMetrics.INFO).tags("app", "hello", "env", "prod", "sync_status", "Halted",
                "health_status", "Degraded").gauge().value());
        assertEquals(1, registry.get(AppMetrics.INFO).tags("env", "staging", "sync_status", "Synced",
                "health_status", "Healthy").gauge().value());
        assertEquals(2, registry.find(AppMetrics.INFO).gauges().size());
    }

    @Test
    void hostCountsPerStateAreReadFromTheBoardWhenScraped() {
        board.put(app(PROD, SyncStatus.Synced, host(WEB1, HostState.Synced), host(WEB2, HostState.Synced)));
        metrics.refresh();

        board.updateHost(PROD, WEB2, h -> h.deploying("switch"));

        assertEquals(1, hosts(PROD, HostState.Synced));
        assertEquals(1, hosts(PROD, HostState.Deploying));
        assertEquals(0, hosts(PROD, HostState.Unreachable));
    }

    @Test
    void driftOfAHostIsReportedUntilTheHostIsFixed() {
        board.put(app(PROD, SyncStatus.OutOfSync, drifted(WEB1, Drift.MODIFIED), host(WEB2, HostState.Synced)));
        metrics.refresh();
        assertEquals(1, registry.get(AppMetrics.DRIFT).tags("host", "web1", "kind", "MODIFIED").gauge().value());
        assertEquals(1, registry.find(AppMetrics.DRIFT).gauges().size());

        board.put(app(PROD, SyncStatus.Synced, host(WEB1, HostState.Synced), host(WEB2, HostState.Synced)));
        metrics.refresh();

        assertEquals(0, registry.find(AppMetrics.DRIFT).gauges().size());
    }

    @Test
    void seriesOfAnAppEnvironmentRemovedFromDesiredStateDisappear() {
        board.put(app(PROD, SyncStatus.OutOfSync, drifted(WEB1, Drift.WRONG_SHA)));
        board.put(app(STAGING, SyncStatus.Synced, host(WEB1, HostState.Synced)));
        Counter.builder("trueup.rollouts").tags(AppMetrics.tags(PROD)).tag("result", "succeeded")
                .register(registry).increment();
        metrics.refresh();

        board.retain(Set.of(STAGING));
        metrics.refresh();

        assertNull(registry.find(AppMetrics.INFO).tag("env", "prod").gauge());
        assertNull(registry.find(AppMetrics.HOSTS).tag("env", "prod").gauge());
        assertNull(registry.find(AppMetrics.DRIFT).gauge());
        assertNull(registry.find("trueup.rollouts").tag("env", "prod").counter());
        assertEquals(1, registry.find(AppMetrics.INFO).gauges().size());
    }

    @Test
    void anInfoSeriesLeftFromAnOlderStatusReadsZeroUntilRefreshed() {
        board.put(app(PROD, SyncStatus.Synced, host(WEB1, HostState.Synced)));
        metrics.refresh();

        board.put(app(PROD, SyncStatus.Progressing, host(WEB1, HostState.Synced)));

        assertEquals(0, registry.get(AppMetrics.INFO).tag("sync_status", "Synced").gauge().value());
    }

    private double hosts(AppEnv id, HostState state) {
        return registry.get(AppMetrics.HOSTS).tags("app", id.app(), "env", id.env(), "state", state.name())
                .gauge().value();
    }

    private static AppStatus app(AppEnv id, SyncStatus status, HostStatus... hosts) {
        return new AppStatus(id, Optional.empty(), status, Optional.empty(), List.of(), List.of(hosts), false,
                Instant.EPOCH);
    }

    static HostStatus host(HostAddress address, HostState state) {
        return new HostStatus(address, Optional.empty(), state, Optional.empty(), Optional.empty(), Set.of(),
                List.of());
    }

    static HostStatus drifted(HostAddress address, Drift drift) {
        return new HostStatus(address, Optional.empty(), HostState.OutOfSync, Optional.empty(), Optional.empty(),
                Set.of(drift), List.of());
    }
}
