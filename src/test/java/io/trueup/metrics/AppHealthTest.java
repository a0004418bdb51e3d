package io.trueup.metrics;

import static io.trueup.metrics.AppMetricsTest.drifted;
import static io.trueup.metrics.AppMetricsTest.host;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trueup.desired.HostAddress;
import io.trueup.plan.Drift;
import io.trueup.status.HostState;
import java.util.List;
import org.junit.jupiter.api.Test;

class AppHealthTest {

    private static final HostAddress WEB1 = HostAddress.parse("web1");
    private static final HostAddress WEB2 = HostAddress.parse("web2");

    @Test
    void hostsRunningTheirReleaseAreHealthyEvenWhenOutOfSync() {
        assertEquals(AppHealth.Healthy, AppHealth.of(List.of(host(WEB1, HostState.Synced),
                drifted(WEB2, Drift.WRONG_SHA))));
    }

    @Test
    void aFailedUnreachableOrHealthFailingHostMakesItDegraded() {
        assertEquals(AppHealth.Degraded, AppHealth.of(List.of(host(WEB1, HostState.Synced),
                host(WEB2, HostState.Failed))));
        assertEquals(AppHealth.Degraded, AppHealth.of(List.of(host(WEB1, HostState.Unreachable),
                host(WEB2, HostState.Unknown))));
        assertEquals(AppHealth.Degraded, AppHealth.of(List.of(drifted(WEB1, Drift.HEALTH_FAILING))));
    }

    @Test
    void noHostsOrAnUninspectedHostIsUnknown() {
        assertEquals(AppHealth.Unknown, AppHealth.of(List.of()));
        assertEquals(AppHealth.Unknown, AppHealth.of(List.of(host(WEB1, HostState.Unknown),
                host(WEB2, HostState.Deploying))));
    }

    @Test
    void aDeployingHostMakesItProgressing() {
        assertEquals(AppHealth.Progressing, AppHealth.of(List.of(host(WEB1, HostState.Deploying),
                host(WEB2, HostState.Synced))));
    }
}
