package io.trueup.metrics;

import io.trueup.plan.Drift;
import io.trueup.status.HostState;
import io.trueup.status.HostStatus;
import java.util.List;

/**
 * The health of an app/environment as its hosts show it, for the {@code health_status} label:
 * whether the app runs well where it should, regardless of whether it runs the desired release
 * (that is the sync status). A pure function of the host states.
 */
public enum AppHealth {
    /** Every host is inspected and runs its release, and none fails its health check. */
    Healthy,
    /** A deploy is running on some host, and none is degraded. */
    Progressing,
    /** Some host failed its deploy, cannot be reached, or fails its health check. */
    Degraded,
    /** It has no hosts, or some host is not inspected yet. */
    Unknown;

    /** The health of hosts in these states: Degraded before Unknown before Progressing before Healthy. */
    public static AppHealth of(List<HostStatus> hosts) {
        if (hosts.stream().anyMatch(AppHealth::degraded)) {
            return Degraded;
        }
        if (hosts.isEmpty() || hosts.stream().anyMatch(h -> h.state() == HostState.Unknown)) {
            return Unknown;
        }
        return hosts.stream().anyMatch(h -> h.state() == HostState.Deploying) ? Progressing : Healthy;
    }

    private static boolean degraded(HostStatus host) {
        return host.state() == HostState.Failed || host.state() == HostState.Unreachable
                || host.drift().contains(Drift.HEALTH_FAILING);
    }
}
