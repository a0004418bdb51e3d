package io.trueup.plan;

import io.trueup.desired.AppEnv;
import io.trueup.desired.HostAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a reconcile of one app/environment will do.
 *
 * @param id the app/environment
 * @param hosts a plan per inspected host, in desired order
 * @param unreachable hosts that could not be inspected, with the reason, in desired order; not worked on
 * @param batches the hosts that need work, in rollout batches
 * @param migrateOn the host that runs {@code hooks.migrate} (its plan has the step), before any
 *     other host of its batch starts; empty when the rollout migrates nothing
 */
public record Plan(AppEnv id, List<HostPlan> hosts, Map<HostAddress, String> unreachable,
        List<List<HostAddress>> batches, Optional<HostAddress> migrateOn) {

    public Plan {
        hosts = List.copyOf(hosts);
        unreachable = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(unreachable));
        batches = batches.stream().map(List::copyOf).toList();
    }

    public boolean converged() {
        return batches.isEmpty();
    }

    public HostPlan host(HostAddress host) {
        return hosts.stream().filter(h -> h.host().equals(host)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no plan for " + host));
    }
}
