package io.trueup.status;

import io.trueup.desired.AppEnv;
import io.trueup.desired.HostAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The latest status of the desired state and of every app/environment, written by the
 * reconciler as it goes and read by the API and health checks. Holds immutable values only;
 * every method is safe to call concurrently, and readers never block writers.
 */
public final class StatusBoard {

    private final AtomicReference<DesiredStateStatus> desired;
    private final ConcurrentSkipListMap<AppEnv, AppStatus> apps = new ConcurrentSkipListMap<>();

    public StatusBoard(Optional<String> url, String branch) {
        desired = new AtomicReference<>(new DesiredStateStatus(url, branch, Optional.empty(), Optional.empty(),
                Optional.empty(), List.of()));
    }

    public DesiredStateStatus desired() {
        return desired.get();
    }

    public void updateDesired(UnaryOperator<DesiredStateStatus> change) {
        desired.updateAndGet(change);
    }

    public List<AppStatus> apps() {
        return new ArrayList<>(apps.values());
    }

    public Optional<AppStatus> app(AppEnv id) {
        return Optional.ofNullable(apps.get(id));
    }

    public void put(AppStatus status) {
        apps.put(status.id(), status);
    }

    /** Applies {@code change} to the app's status, if it has one. */
    public void update(AppEnv id, UnaryOperator<AppStatus> change) {
        apps.computeIfPresent(id, (k, v) -> change.apply(v));
    }

    /** Applies {@code change} to one host's status within the app's. */
    public void updateHost(AppEnv id, HostAddress host, UnaryOperator<HostStatus> change) {
        update(id, app -> new AppStatus(app.id(), app.sha(), app.status(), app.error(), app.problems(),
                app.hosts().stream().map(h -> h.host().equals(host) ? change.apply(h) : h).toList(), app.paused(),
                app.updated(), app.rollout()));
    }

    /** Forgets the app/environment {@code id}. */
    public void forget(AppEnv id) {
        apps.remove(id);
    }

    /** Forgets every app/environment not in {@code keep}. */
    public void retain(Set<AppEnv> keep) {
        apps.keySet().retainAll(keep);
    }
}
