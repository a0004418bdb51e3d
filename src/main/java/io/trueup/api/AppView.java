package io.trueup.api;

import io.trueup.status.AppStatus;
import io.trueup.status.HostStatus;
import io.trueup.status.RolloutView;
import io.trueup.store.Leases;
import java.time.Instant;
import java.util.List;

/**
 * One app/environment in the API: desired SHA, status, error, problems, hosts, and the rollout
 * running (its batch, each host's phase, when its wait before the next batch ends), if one is,
 * and with replicas, which one holds its lease and works on it now ({@code replica}).
 */
public record AppView(String app, String env, String sha, String status, String error, List<String> problems,
        boolean paused, Instant updated, List<HostView> hosts, RolloutView rollout, String replica) {

    /**
     * One host: the SHA and release it runs (the release's name is the SHA, followed by the hash of
     * its rendered config for an app with config), state, the step running or failed, error and drift.
     */
    public record HostView(String host, String sha, String release, String state, String step, String error,
            List<String> drift, List<String> detail) {

        static HostView of(HostStatus h) {
            return new HostView(h.host().toString(), h.sha().orElse(null), h.release().orElse(null), h.state().name(),
                    h.step().orElse(null),
                    h.error().orElse(null), h.drift().stream().map(Enum::name).sorted().toList(), h.detail());
        }
    }

    static AppView of(AppStatus s, Leases leases) {
        return new AppView(s.id().app(), s.id().env(), s.sha().orElse(null), s.status().name(),
                s.error().orElse(null), s.problems().stream().map(Object::toString).toList(), s.paused(), s.updated(),
                s.hosts().stream().map(HostView::of).toList(), s.rollout().orElse(null),
                leases.holder(s.id()).map(Leases.Lease::owner).orElse(null));
    }
}
