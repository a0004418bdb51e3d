package io.trueup.support;

import io.trueup.desired.ReleaseId;
import io.trueup.desired.RequirementsHash;
import io.trueup.desired.Sha;
import io.trueup.observe.Observation;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Builds observations of a host for planner tests, one fact at a time. */
public final class Observations {

    private boolean base = true;
    private boolean repo = true;
    private boolean commit = true;
    private Optional<ReleaseId> current = Optional.empty();
    private Optional<ReleaseId> previous = Optional.empty();
    private final Map<ReleaseId, Observation.Release> releases = new HashMap<>();
    private final Set<RequirementsHash> envs = new HashSet<>();
    private final Map<ReleaseId, Observation.ReleaseCheck> checks = new HashMap<>();
    private boolean drained;

    public static Observation empty() {
        return new Observation(false, false, false, Optional.empty(), "", Optional.empty(), Map.of(), Set.of(),
                Set.of(), Map.of(), List.of(), false);
    }

    public static Observations host() {
        return new Observations();
    }

    /** A pristine release of {@code sha} linked to {@code env}, switched to at {@code switchedAt}. */
    public Observations release(Sha sha, RequirementsHash env, long switchedAt) {
        return release(ReleaseId.of(sha), env, switchedAt, Map.of());
    }

    /**
     * A release linked to {@code env}, switched to at {@code switchedAt}, its checkout pristine and
     * the files rendered into it as {@code rendered} says (path to SHA-256).
     */
    public Observations release(ReleaseId id, RequirementsHash env, long switchedAt, Map<String, String> rendered) {
        releases.put(id, new Observation.Release(id, switchedAt, Optional.of(env)));
        envs.add(env);
        checks.put(id, new Observation.ReleaseCheck(id, Optional.of(id.sha().hex()), List.of(), rendered, true));
        return this;
    }

    public Observations current(Sha sha) {
        return current(ReleaseId.of(sha));
    }

    public Observations current(ReleaseId id) {
        current = Optional.of(id);
        return this;
    }

    public Observations previous(Sha sha) {
        previous = Optional.of(ReleaseId.of(sha));
        return this;
    }

    public Observations modified(Sha sha, String... changes) {
        ReleaseId id = ReleaseId.of(sha);
        checks.put(id, new Observation.ReleaseCheck(id, Optional.of(sha.hex()), List.of(changes), Map.of(), true));
        return this;
    }

    /** The release {@code id}, there already, with a build hook that never ran to its end. */
    public Observations unbuilt(ReleaseId id) {
        Observation.ReleaseCheck check = checks.get(id);
        checks.put(id, new Observation.ReleaseCheck(id, check.head(), check.changes(), check.rendered(), false));
        return this;
    }

    /** The host taken out of its load balancer by hooks.beforeSwitch and not put back. */
    public Observations drained() {
        drained = true;
        return this;
    }

    public Observations withoutEnv(RequirementsHash env) {
        envs.remove(env);
        return this;
    }

    public Observations env(RequirementsHash env) {
        envs.add(env);
        return this;
    }

    public Observations commitMissing() {
        commit = false;
        return this;
    }

    public Observation build() {
        return new Observation(base, repo, commit, current, current.map(s -> "releases/" + s.name()).orElse(""),
                previous, releases, envs, Set.of(), checks, List.of(), drained);
    }
}
