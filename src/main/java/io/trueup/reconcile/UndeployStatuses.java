package io.trueup.reconcile;

import io.trueup.desired.AppEnv;
import io.trueup.desired.HostAddress;
import io.trueup.status.AppStatus;
import io.trueup.status.HostState;
import io.trueup.status.HostStatus;
import io.trueup.status.SyncStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** How pending undeploys show on the status board. Pure. */
final class UndeployStatuses {

    private UndeployStatuses() {
    }

    /**
     * {@code before} (empty when the board has none) with the hosts of {@code pending} marked
     * {@link HostState#PendingUndeploy}, each with its note and its last error. When the
     * app/environment is gone from desired state ({@code gone}), it is {@link SyncStatus#PendingUndeploy}
     * as a whole and lists only those hosts; otherwise its status stands, and they follow its own hosts.
     */
    static AppStatus show(AppEnv id, Optional<AppStatus> before, List<PendingUndeploys.Pending> pending,
            boolean gone, boolean auto, Instant now) {
        List<HostStatus> hosts = new ArrayList<>();
        List<HostAddress> marked = pending.stream().map(p -> p.removal().host()).toList();
        before.ifPresent(b -> b.hosts().stream().filter(h -> !gone && !marked.contains(h.host())).forEach(hosts::add));
        for (PendingUndeploys.Pending p : pending) {
            Optional<String> release = before.stream().flatMap(b -> b.hosts().stream())
                    .filter(h -> h.host().equals(p.removal().host())).findFirst().flatMap(HostStatus::release);
            hosts.add(new HostStatus(p.removal().host(), release, HostState.PendingUndeploy, Optional.empty(),
                    p.error(), Set.of(), List.of(note(p, auto))));
        }
        if (!gone) {
            AppStatus b = before.orElseThrow();
            return new AppStatus(id, b.sha(), b.status(), b.error(), b.problems(), hosts, b.paused(), b.updated());
        }
        PendingUndeploys.Pending first = pending.get(0);
        String error = "removed from desired state in " + abbrev(first.removedIn()) + ": "
                + (due(first, auto) ? "undeploying " : "pending undeploy of ") + count(pending.size())
                + (due(first, auto) ? "" : "; POST /api/apps/" + id.app() + "/" + id.env()
                        + "/undeploy stops it and removes its current release")
                + pending.stream().flatMap(p -> p.error().stream()).findFirst().map(e -> "; " + e).orElse("");
        return new AppStatus(id, before.flatMap(AppStatus::sha).or(() -> Optional.of(first.sha())),
                SyncStatus.PendingUndeploy, Optional.of(error), List.of(), hosts,
                before.map(AppStatus::paused).orElse(false), now);
    }

    /** {@code status} without the hosts in {@code undeployed}. */
    static AppStatus without(AppStatus status, Set<HostAddress> undeployed) {
        return new AppStatus(status.id(), status.sha(), status.status(), status.error(), status.problems(),
                status.hosts().stream().filter(h -> !undeployed.contains(h.host())).toList(), status.paused(),
                status.updated());
    }

    /** What a host pending undeploy says: {@code pending undeploy: removed from desired state in abc1234}. */
    static String note(PendingUndeploys.Pending p, boolean auto) {
        return (due(p, auto) ? "undeploying" : "pending undeploy") + ": removed from desired state in "
                + abbrev(p.removedIn());
    }

    /** Whether trueup carries out {@code p} at its next cycle: asked to, or by itself in auto mode unless it failed. */
    static boolean due(PendingUndeploys.Pending p, boolean auto) {
        return p.approved() || auto && !p.failed();
    }

    private static String count(int hosts) {
        return hosts + (hosts == 1 ? " host" : " hosts");
    }

    private static String abbrev(String revision) {
        return revision.length() > 7 ? revision.substring(0, 7) : revision;
    }
}
