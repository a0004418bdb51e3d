package io.trueup.rollout;

import io.trueup.desired.AppEnv;
import java.util.List;

/**
 * How a rollout ended.
 *
 * @param outcomes one per host worked on
 * @param batchesRun batches started
 * @param batches batches planned
 * @param stopped whether a failure stopped it before all batches ran or in the last one
 */
public record RolloutResult(AppEnv id, List<HostOutcome> outcomes, int batchesRun, int batches, boolean stopped) {

    public RolloutResult {
        outcomes = List.copyOf(outcomes);
    }

    public List<HostOutcome.Failed> failures() {
        return outcomes.stream().filter(HostOutcome.Failed.class::isInstance).map(HostOutcome.Failed.class::cast)
                .toList();
    }
}
