package io.trueup.status;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A running rollout, as people see it.
 *
 * @param batch the batch running or next, from 1
 * @param batches how many batches it has
 * @param nextAt when the wait before that batch ends, if it waits
 * @param aborting whether an operator asked to abort it
 * @param hosts each host's phase: pending, preparing, prepared, switched, healthy, failed, rolled back
 */
public record RolloutView(int batch, int batches, Optional<Instant> nextAt, boolean aborting, List<HostPhase> hosts) {

    public RolloutView {
        hosts = List.copyOf(hosts);
    }

    /** One host's phase in the rollout. */
    public record HostPhase(String host, String phase) {
    }
}
