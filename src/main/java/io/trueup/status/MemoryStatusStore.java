package io.trueup.status;

import io.trueup.desired.AppEnv;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/** Statuses in this process: immutable values in concurrent maps, so readers never block writers. */
final class MemoryStatusStore implements StatusStore {

    private final AtomicReference<DesiredStateStatus> desired;
    private final ConcurrentSkipListMap<AppEnv, AppStatus> apps = new ConcurrentSkipListMap<>();

    MemoryStatusStore(DesiredStateStatus initial) {
        desired = new AtomicReference<>(initial);
    }

    @Override
    public DesiredStateStatus desired() {
        return desired.get();
    }

    @Override
    public void updateDesired(UnaryOperator<DesiredStateStatus> change) {
        desired.updateAndGet(change);
    }

    @Override
    public List<AppStatus> apps() {
        return new ArrayList<>(apps.values());
    }

    @Override
    public Optional<AppStatus> app(AppEnv id) {
        return Optional.ofNullable(apps.get(id));
    }

    @Override
    public void put(AppStatus status) {
        apps.put(status.id(), status);
    }

    @Override
    public void update(AppEnv id, UnaryOperator<AppStatus> change) {
        apps.computeIfPresent(id, (k, v) -> change.apply(v));
    }

    @Override
    public void forget(AppEnv id) {
        apps.remove(id);
    }

    @Override
    public void retain(Set<AppEnv> keep) {
        apps.keySet().retainAll(keep);
    }
}
