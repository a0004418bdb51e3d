package io.trueup.reconcile;

import io.trueup.rollout.RolloutStore;
import java.nio.file.Path;

/**
 * Everything a controller remembers across its own restarts, in its state directory: halts,
 * pauses and what was applied ({@code control.json}), the running rollouts ({@code rollouts/}),
 * where each app/environment was last valid ({@code last-valid.json}) and the rollout history
 * ({@code history/}).
 */
public record ControllerState(ControlStore control, RolloutStore rollouts, LastValidStore lastValid,
        RolloutHistory history) {

    /** The state kept in {@code stateDir}, read back from what is there. */
    public static ControllerState at(Path stateDir) {
        return new ControllerState(new ControlStore(stateDir.resolve("control.json")),
                new RolloutStore(stateDir.resolve("rollouts")), LastValidStore.at(stateDir.resolve("last-valid.json")),
                new RolloutHistory(stateDir.resolve("history")));
    }
}
