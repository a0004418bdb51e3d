package io.trueup.rollout;

import io.trueup.desired.HostAddress;
import java.time.Instant;
import java.util.List;

/** The one thing a rollout does next, as {@link RolloutDecider} decides it from its record. */
public sealed interface RolloutStep {

    /** Deploy {@code hosts}, the pending hosts of batch {@code batch}, in parallel. */
    record Run(int batch, List<HostAddress> hosts) implements RolloutStep {
        public Run {
            hosts = List.copyOf(hosts);
        }
    }

    /**
     * Check the health of {@code hosts}, which trueup had switched when it stopped: healthy ones are
     * done, the others switch back.
     */
    record Check(List<HostAddress> hosts) implements RolloutStep {
        public Check {
            hosts = List.copyOf(hosts);
        }
    }

    /** Start {@code hosts} again: trueup stopped during their deploy, before they switched. */
    record Reset(List<HostAddress> hosts) implements RolloutStep {
        public Reset {
            hosts = List.copyOf(hosts);
        }
    }

    /** Switch {@code hosts}, which this rollout switched, back to the release each ran before. */
    record RollBack(List<HostAddress> hosts, String why) implements RolloutStep {
        public RollBack {
            hosts = List.copyOf(hosts);
        }
    }

    /** Batch {@code batch} is next, after a wait until {@code until} if there is one. */
    record Advance(int batch, java.util.Optional<Instant> until) implements RolloutStep {
    }

    /** Nothing until {@code until}: the wait between batches. */
    record Wait(Instant until) implements RolloutStep {
    }

    /** Nothing until something changes (an operator resumes it, a host can be inspected): {@code why}. */
    record Hold(String why) implements RolloutStep {
    }

    /** The rollout is over. */
    record Finish(End end) implements RolloutStep {
    }

    /** How a rollout ends. */
    enum End {
        /** Every host it worked on runs the new release, but at most {@code rollout.maxFailures}. */
        SUCCEEDED,
        /** A host's step failed: not tried again for this desired state until someone asks. */
        HALTED,
        /** It stopped short with no step to blame (a host unreachable, a migration not run): tried again. */
        STOPPED,
        /** An operator aborted it: the hosts it switched are back where they were. */
        ABORTED,
        /** Desired state moved on: a rollout of the newer state takes over from the hosts as they are. */
        SUPERSEDED
    }
}
