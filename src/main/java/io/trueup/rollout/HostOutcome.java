package io.trueup.rollout;

import io.trueup.ErrorText;
import io.trueup.desired.HostAddress;
import io.trueup.desired.ReleaseId;
import io.trueup.observe.Observation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How a host's deploy ended. */
public sealed interface HostOutcome {

    HostAddress host();

    /**
     * Every step succeeded; {@code warnings} are failures that did not matter (a prune); {@code seen}
     * is what the host held as its last command ended, when that command said (its links, releases
     * and envs, without the check of a release: see {@code HostCommands.reporting}); it is then not
     * inspected again after the rollout.
     */
    record Deployed(HostAddress host, ReleaseId release, List<String> steps, Duration took, List<String> warnings,
            Optional<Observation> seen) implements HostOutcome {
        public Deployed {
            steps = List.copyOf(steps);
            warnings = List.copyOf(warnings);
            java.util.Objects.requireNonNull(seen);
        }

        public Deployed(HostAddress host, ReleaseId release, List<String> steps, Duration took, List<String> warnings) {
            this(host, release, steps, took, warnings, Optional.empty());
        }
    }

    /**
     * A step failed and the host's deploy stopped there.
     *
     * @param step the step that failed
     * @param error what went wrong, naming the host
     * @param output the tail of the step's stderr (or stdout)
     * @param transientFailure whether it was the network rather than the release
     * @param rollback what was done to return the host to its previous release, if anything
     */
    record Failed(HostAddress host, String step, String error, String output, boolean transientFailure,
            Optional<Rollback> rollback) implements HostOutcome {
        public Failed {
            error = ErrorText.head(error);
            output = ErrorText.tail(output);
        }
    }

    /**
     * The host deployed, then was switched back because the rollout halted on another host
     * and the environment rolls back everything on failure ({@code rollout.onFailure: rollback-all}).
     */
    record Reverted(HostAddress host, Rollback rollback) implements HostOutcome {
    }

    /** The switch back to the release that was current before, after a failure past the switch. */
    record Rollback(ReleaseId to, boolean succeeded, String detail) {
        public Rollback {
            detail = ErrorText.head(detail);
        }
    }
}
