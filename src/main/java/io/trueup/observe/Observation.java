package io.trueup.observe;

import io.trueup.desired.ReleaseId;
import io.trueup.desired.RequirementsHash;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one inspection found in an app's base directory on a host.
 *
 * @param basePresent whether the base directory exists
 * @param repoPresent whether {@code repo.git} exists
 * @param commitPresent whether the desired commit is known to be in {@code repo.git}; inspection
 *     asks only when the desired release is not there unchanged, and says false when it did not ask
 * @param current the release {@code current} points at, if it points at one
 * @param currentLink the raw target of {@code current} (empty when missing), for messages
 * @param previous the release {@code previous} points at, if any
 * @param releases the complete releases present, by SHA
 * @param envs the complete virtualenvs present
 * @param partialEnvs env directories without their completion marker
 * @param checks the state of the desired release, when it is there
 * @param leftovers temporary paths a crashed step left behind
 * @param drained whether {@code hooks.beforeSwitch} took the host out of its load balancer and
 *     {@code hooks.afterSwitch} has not put it back since
 * @param lock who holds the base directory's lock, as its {@code owner} file says
 *     ({@code <controller>/<run> since <time> pid <pid>}), if it is held
 */
public record Observation(
        boolean basePresent,
        boolean repoPresent,
        boolean commitPresent,
        Optional<ReleaseId> current,
        String currentLink,
        Optional<ReleaseId> previous,
        Map<ReleaseId, Release> releases,
        Set<RequirementsHash> envs,
        Set<RequirementsHash> partialEnvs,
        Map<ReleaseId, ReleaseCheck> checks,
        List<String> leftovers,
        boolean drained,
        Optional<String> lock) {

    /** An observation of a base directory whose lock is free. */
    public Observation(boolean basePresent, boolean repoPresent, boolean commitPresent, Optional<ReleaseId> current,
            String currentLink, Optional<ReleaseId> previous, Map<ReleaseId, Release> releases,
            Set<RequirementsHash> envs, Set<RequirementsHash> partialEnvs, Map<ReleaseId, ReleaseCheck> checks,
            List<String> leftovers, boolean drained) {
        this(basePresent, repoPresent, commitPresent, current, currentLink, previous, releases, envs, partialEnvs,
                checks, leftovers, drained, Optional.empty());
    }

    public Observation {
        java.util.Objects.requireNonNull(lock);
        releases = Map.copyOf(releases);
        envs = Set.copyOf(envs);
        partialEnvs = Set.copyOf(partialEnvs);
        checks = Map.copyOf(checks);
        leftovers = List.copyOf(leftovers);
    }

    /** A release directory: when it was last switched to (epoch seconds, 0 never) and its env. */
    public record Release(ReleaseId id, long switchedAt, Optional<RequirementsHash> env) {
    }

    /**
     * The state of a release: the commit its HEAD is at, the files that differ from it (modified,
     * deleted or untracked; at most a few, for messages), the SHA-256 of each file rendered
     * into it, by its path in the release (a file that is gone is not listed), and whether its
     * build hook ran to its end.
     */
    public record ReleaseCheck(ReleaseId release, Optional<String> head, List<String> changes,
            Map<String, String> rendered, boolean built) {
        public ReleaseCheck {
            changes = List.copyOf(changes);
            rendered = Map.copyOf(rendered);
        }

        /** Whether the release's checkout is exactly its commit, as a fresh clone would be. */
        public boolean pristine() {
            return head.filter(release.sha().hex()::equals).isPresent() && changes.isEmpty();
        }
    }

    /** The check of {@code release}, when the inspection made one. */
    public Optional<ReleaseCheck> check(ReleaseId release) {
        return Optional.ofNullable(checks.get(release));
    }
}
