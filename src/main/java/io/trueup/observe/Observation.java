package io.trueup.observe;

import io.trueup.desired.RequirementsHash;
import io.trueup.desired.Sha;
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
 * @param checks the git state of the current and the desired release, by SHA
 * @param leftovers temporary paths a crashed step left behind
 */
public record Observation(
        boolean basePresent,
        boolean repoPresent,
        boolean commitPresent,
        Optional<Sha> current,
        String currentLink,
        Optional<Sha> previous,
        Map<Sha, Release> releases,
        Set<RequirementsHash> envs,
        Set<RequirementsHash> partialEnvs,
        Map<Sha, ReleaseCheck> checks,
        List<String> leftovers) {

    public Observation {
        releases = Map.copyOf(releases);
        envs = Set.copyOf(envs);
        partialEnvs = Set.copyOf(partialEnvs);
        checks = Map.copyOf(checks);
        leftovers = List.copyOf(leftovers);
    }

    /** A release directory: when it was last switched to (epoch seconds, 0 never) and its env. */
    public record Release(Sha sha, long switchedAt, Optional<RequirementsHash> env) {
    }

    /**
     * The git state of a release: the commit its HEAD is at and the files that differ from it
     * (modified, deleted or untracked; at most a few, for messages).
     */
    public record ReleaseCheck(Sha sha, Optional<String> head, List<String> changes) {
        public ReleaseCheck {
            changes = List.copyOf(changes);
        }

        /** Whether the release is exactly its commit, as a fresh clone would be. */
        public boolean pristine() {
            return head.filter(sha.hex()::equals).isPresent() && changes.isEmpty();
        }
    }

    /** The check of {@code sha}'s release, when the inspection made one. */
    public Optional<ReleaseCheck> check(Sha sha) {
        return Optional.ofNullable(checks.get(sha));
    }
}
