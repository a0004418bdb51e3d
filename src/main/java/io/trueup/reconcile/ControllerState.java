package io.trueup.reconcile;

import io.trueup.rollout.FileRolloutStore;
import io.trueup.rollout.RolloutStore;
import io.trueup.store.Leases;
import java.nio.file.Path;

/**
 * Everything a controller remembers across its own restarts: halts, pauses and what was applied,
 * the running rollouts, where each app/environment was last valid, the rollout history, the hosts
 * pending undeploy, and the leases of the app/environments it acts on. One port, two adapters:
 * the state directory's files ({@link #at}, the embedded default) or PostgreSQL
 * ({@code io.trueup.store.PostgresState}), shared by every replica.
 */
public record ControllerState(ControlStore control, RolloutStore rollouts, LastValidStore lastValid,
        RolloutHistory history, PendingUndeploys undeploys, Leases leases) {

    /**
     * The state kept in {@code stateDir}: {@code control.json}, {@code rollouts/},
     * {@code last-valid.json}, {@code history/} and {@code undeploys.json}, read back from what is
     * there; leases are this process's own.
     */
    public static ControllerState at(Path stateDir) {
        return new ControllerState(new FileControlStore(stateDir.resolve("control.json")),
                new FileRolloutStore(stateDir.resolve("rollouts")), LastValidStore.at(stateDir.resolve("last-valid.json")),
                new FileRolloutHistory(stateDir.resolve("history")),
                new FilePendingUndeploys(stateDir.resolve("undeploys.json")), Leases.local());
    }
}
