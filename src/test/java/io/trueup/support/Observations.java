package io.trueup.support;

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
    private Optional<Sha> current = Optional.empty();
    private Optional<Sha> previous = Optional.empty();
    private final Map<Sha, Observation.Release> releases = new HashMap<>();
    private final Set<RequirementsHash> envs = new HashSet<>();
    private final Map<Sha, Observation.ReleaseCheck> checks = new HashMap<>();

    public static Observation empty() {
        return new Observation(false, false, false, Optional.empty(), "", Optional.empty(), Map.of(), Set.of(),
                Set.of(), Map.of(), List.of());
    }

    public static Observations host() {
        return new Observations();
    }

    /** A pristine release of {@code sha} linked to {@code env}, switched to at {@code switchedAt}. */
    public Observations release(Sha sha, RequirementsHash env, long switchedAt) {
        releases.put(sha, new Observation.Release(sha, switchedAt, Optional.of(env)));
        envs.add(env);
        checks.put(sha, new Observation.ReleaseCheck(sha, Optional.of(sha.hex()), List.of()));
        return this;
    }

    public Observations current(Sha sha) {
        current = Optional.of(sha);
        return this;
    }

    public Observations previous(Sha sha) {
        previous = Optional.of(sha);
        return this;
    }

    public Observations modified(Sha sha, String... changes) {
        checks.put(sha, new Observation.ReleaseCheck(sha, Optional.of(sha.hex()), List.of(changes)));
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
        return new Observation(base, repo, commit, current, current.map(s -> "releases/" + s.hex()).orElse(""),
                previous, releases, envs, Set.of(), checks, List.of());
    }
}
