package io.trueup.status;

import io.trueup.desired.AppEnv;
import io.trueup.desired.HostAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The latest status of the desired state and of every app/environment, written by the
 * reconciler as it goes and read by the API and health checks, kept in a {@link StatusStore}.
 * Holds immutable values only; every method is safe to call concurrently.
 */
public final class StatusBoard {

    private final StatusStore store;

    /** A board held in this process. */
    public StatusBoard(Optional<String> url, String branch) {
        this(StatusStore.inMemory(initial(url, branch)));
    }

    public StatusBoard(StatusStore store) {
        this.store = store;
    }

    /** The desired state's status before its first fetch. */
    public static DesiredStateStatus initial(Optional<String> url, String branch) {
        return new DesiredStateStatus(url, branch, Optional.empty(), Optional.empty(), Optional.empty(), List.of());
    }

    public DesiredStateStatus desired() {
        return store.desired();
    }

    public void updateDesired(UnaryOperator<DesiredStateStatus> change) {
        store.updateDesired(change);
    }

    public List<AppStatus> apps() {
        return store.apps();
    }

    public Optional<AppStatus> app(AppEnv id) {
        return store.app(id);
    }

    public void put(AppStatus status) {
        store.put(status);
    }

    /** Applies {@code change} to the app's status, if it has one. */
    public void update(AppEnv id, UnaryOperator<AppStatus> change) {
        store.update(id, change);
    }

    /** Applies {@code change} to one host's status within the app's. */
    public void updateHost(AppEnv id, HostAddress host, UnaryOperator<HostStatus> change) {
        update(id, app -> new AppStatus(app.id(), app.sha(), app.status(), app.error(), app.problems(),
                app.hosts().stream().map(h -> h.host().equals(host) ? change.apply(h) : h).toList(), app.paused(),
                app.updated(), app.rollout()));
    }

    /** Forgets the app/environment {@code id}. */
    public void forget(AppEnv id) {
        store.forget(id);
    }

    /** Forgets every app/environment not in {@code keep}. */
    public void retain(Set<AppEnv> keep) {
        store.retain(keep);
    }
}
