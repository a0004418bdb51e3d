package io.trueup.reconcile;

import io.trueup.desired.Problem;
import io.trueup.plan.Plan;
import io.trueup.status.HostState;
import io.trueup.status.HostStatus;
import io.trueup.status.SyncStatus;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** An app/environment's status and the error to show with it. Pure. */
record Verdict(SyncStatus status, Optional<String> error) {

    /** From the hosts as they are: Degraded while a host is unreachable, else Synced or OutOfSync. */
    static Verdict of(List<HostStatus> hosts, Plan plan, Optional<String> error) {
        Optional<String> unreachable = plan.unreachable().entrySet().stream().findFirst()
                .map(e -> "host " + e.getKey() + " unreachable: " + e.getValue());
        Optional<String> shown = error.or(() -> unreachable);
        if (shown.isPresent()) {
            return new Verdict(SyncStatus.Degraded, shown);
        }
        boolean synced = hosts.stream().allMatch(h -> h.state() == HostState.Synced);
        return new Verdict(synced ? SyncStatus.Synced : SyncStatus.OutOfSync, Optional.empty());
    }

    /** Drift that {@code selfHeal: false} leaves alone: OutOfSync, naming each host's drift. */
    static Verdict driftOnly(Plan plan) {
        String drift = plan.hosts().stream().filter(h -> !h.converged())
                .map(h -> h.host() + " " + h.drift().stream().map(Enum::name).sorted().toList())
                .collect(Collectors.joining(", "));
        return new Verdict(SyncStatus.OutOfSync, Optional.of("drift not repaired (selfHeal is false): " + drift));
    }

    static SyncStatus withProblems(SyncStatus status, List<Problem> problems) {
        return problems.isEmpty() ? status : SyncStatus.Invalid;
    }
}
