package io.trueup.plan;

import io.trueup.desired.AppSpec;
import io.trueup.desired.HostAddress;
import io.trueup.desired.RequirementsHash;
import io.trueup.desired.Rollout;
import io.trueup.desired.Sha;
import io.trueup.observe.Inspection;
import io.trueup.observe.Observation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Turns desired state and observations into a {@link Plan}. Pure: no I/O, no clock. */
public final class Planner {

    private Planner() {
    }

    public static Plan plan(AppSpec spec, List<Inspection> inspections) {
        return plan(spec, inspections, Map.of());
    }

    /**
     * The plan when {@code unhealthy} hosts, otherwise converged, failed their periodic health
     * check (with the reason): they get a restart and a health check.
     */
    public static Plan plan(AppSpec spec, List<Inspection> inspections, Map<HostAddress, String> unhealthy) {
        List<HostPlan> plans = new ArrayList<>();
        Map<HostAddress, String> unreachable = new LinkedHashMap<>();
        for (Inspection inspection : inspections) {
            switch (inspection) {
                case Inspection.Seen seen -> plans.add(withHealth(hostPlan(spec, seen.host(), seen.observation()),
                        unhealthy.get(seen.host())));
                case Inspection.Recalled recalled -> plans.add(recalledPlan(spec, recalled.host(),
                        recalled.observation()));
                case Inspection.Failed failed -> unreachable.put(failed.host(), failed.error());
            }
        }
        List<HostAddress> work = plans.stream().filter(p -> !p.converged()).map(HostPlan::host).toList();
        return new Plan(spec.id(), plans, unreachable, batches(work, spec.rollout(), spec.hosts().size()));
    }

    private static HostPlan withHealth(HostPlan plan, String unhealthy) {
        if (unhealthy == null || !plan.converged()) {
            return plan;
        }
        List<String> detail = new ArrayList<>(plan.detail());
        detail.add("health check fails: " + unhealthy);
        return new HostPlan(plan.host(), plan.observedSha(), EnumSet.of(Drift.HEALTH_FAILING),
                List.of(new Action.Restart(), new Action.CheckHealth()), Optional.empty(), plan.previousBefore(),
                detail);
    }

    static HostPlan hostPlan(AppSpec spec, HostAddress host, Observation seen) {
        Sha sha = spec.sha();
        RequirementsHash env = spec.requirementsHash();
        Set<Drift> drift = drift(spec, seen);
        boolean leftovers = !seen.leftovers().isEmpty() || !seen.partialEnvs().isEmpty();
        if (drift.isEmpty()) {
            return new HostPlan(host, observedSha(seen), drift,
                    leftovers ? List.of(new Action.Cleanup()) : List.of(), Optional.empty(), seen.previous(),
                    leftovers ? List.of("left by an interrupted step: " + leftoverNames(seen)) : List.of());
        }
        List<Action> actions = new ArrayList<>();
        if (leftovers) {
            actions.add(new Action.Cleanup());
        }
        if (!seen.basePresent() || !seen.repoPresent()) {
            actions.add(new Action.Prepare());
        }
        if (!releaseUsable(spec, seen)) {
            if (!seen.commitPresent()) {
                actions.add(new Action.Push(sha));
            }
            actions.add(new Action.MakeRelease(sha, seen.releases().containsKey(sha)));
        }
        if (!seen.envs().contains(env)) {
            actions.add(new Action.BuildEnv(env));
        }
        actions.add(new Action.Switch(sha));
        actions.add(new Action.Restart());
        actions.add(new Action.CheckHealth());
        prune(spec, seen).ifPresent(actions::add);
        Optional<Sha> rollbackTo = seen.current().filter(c -> !c.equals(sha) && seen.releases().containsKey(c));
        return new HostPlan(host, observedSha(seen), drift, actions, rollbackTo, seen.previous(),
                detail(spec, seen));
    }

    /**
     * The plan from an earlier inspection (see {@link Inspection.Recalled}) of a host whose base
     * directory and repository were there and whose {@code current} was not the desired
     * release. What that inspection did not ask about the desired release is assumed: that its
     * commit may be missing (so it is pushed: a push sends only what is missing) and that its
     * release, if there, is unchanged. The plan's first host step verifies, under the lock, what
     * the rest relies on, before anything changes.
     */
    static HostPlan recalledPlan(AppSpec spec, HostAddress host, Observation seen) {
        Sha sha = spec.sha();
        if (!seen.basePresent() || !seen.repoPresent() || seen.current().filter(sha::equals).isPresent()) {
            throw new IllegalArgumentException("an earlier inspection plans only a change of release on a prepared host");
        }
        boolean present = seen.releases().containsKey(sha);
        Observation assumed = new Observation(true, true, false, seen.current(), seen.currentLink(), seen.previous(),
                seen.releases(), seen.envs(), seen.partialEnvs(),
                present ? Map.of(sha, new Observation.ReleaseCheck(sha, Optional.of(sha.hex()), List.of())) : Map.of(),
                seen.leftovers());
        HostPlan plan = hostPlan(spec, host, assumed);
        List<Action> actions = new ArrayList<>(plan.actions());
        boolean asIs = present && actions.stream().noneMatch(Action.MakeRelease.class::isInstance);
        boolean envThere = actions.stream().noneMatch(Action.BuildEnv.class::isInstance);
        // After the push, which changes nothing the host uses; before the first step on the host.
        int first = actions.get(0) instanceof Action.Push ? 1 : 0;
        actions.add(first, new Action.Verify(seen.currentLink(), seen.previous().map(p -> "releases/" + p.hex())
                .orElse(""), spec.requirementsHash(), envThere, asIs ? Optional.of(sha) : Optional.empty()));
        return new HostPlan(host, plan.observedSha(), plan.drift(), actions, plan.rollbackTo(), plan.previousBefore(),
                plan.detail());
    }

    private static String leftoverNames(Observation seen) {
        List<String> names = new ArrayList<>(seen.leftovers());
        seen.partialEnvs().forEach(e -> names.add("envs/" + e.hex()));
        return String.join(", ", names);
    }

    private static Optional<String> observedSha(Observation seen) {
        return seen.current().map(Sha::hex)
                .or(() -> seen.currentLink().isEmpty() ? Optional.empty() : Optional.of(seen.currentLink()));
    }

    static Set<Drift> drift(AppSpec spec, Observation seen) {
        Set<Drift> drift = EnumSet.noneOf(Drift.class);
        if (seen.current().isEmpty()) {
            drift.add(Drift.MISSING_CURRENT);
        } else if (!seen.current().get().equals(spec.sha())) {
            drift.add(Drift.WRONG_SHA);
        } else if (!seen.check(spec.sha()).map(Observation.ReleaseCheck::pristine).orElse(false)) {
            drift.add(Drift.MODIFIED);
        }
        boolean linked = Optional.ofNullable(seen.releases().get(spec.sha()))
                .flatMap(Observation.Release::env).filter(spec.requirementsHash()::equals).isPresent();
        if (!seen.envs().contains(spec.requirementsHash()) || (drift.isEmpty() && !linked)) {
            drift.add(Drift.ENV_MISSING);
        }
        return drift;
    }

    /** Whether {@code releases/<sha>} can be switched to as it is: present, pristine, linked to its env. */
    private static boolean releaseUsable(AppSpec spec, Observation seen) {
        Observation.Release release = seen.releases().get(spec.sha());
        return release != null
                && release.env().filter(spec.requirementsHash()::equals).isPresent()
                && seen.check(spec.sha()).map(Observation.ReleaseCheck::pristine).orElse(false);
    }

    /**
     * What to remove once the deploy has switched: releases beyond {@code keep}, most
     * recently switched first (the new one first of all), never the new current or the
     * previous; envs that no kept release uses.
     */
    static Optional<Action.Prune> prune(AppSpec spec, Observation seen) {
        Sha current = spec.sha();
        Optional<Sha> previous = seen.current().filter(c -> !c.equals(current)).or(seen::previous);
        List<Observation.Release> byRecency = seen.releases().values().stream()
                .filter(r -> !r.sha().equals(current))
                .sorted(Comparator.comparingLong(Observation.Release::switchedAt).reversed()
                        .thenComparing(r -> r.sha().hex()))
                .toList();
        Set<Sha> kept = new LinkedHashSet<>();
        kept.add(current);
        previous.filter(seen.releases()::containsKey).ifPresent(kept::add);
        byRecency.stream().map(Observation.Release::sha).forEach(sha -> {
            if (kept.size() < spec.keep()) {
                kept.add(sha);
            }
        });
        List<Sha> releases = byRecency.stream().map(Observation.Release::sha).filter(s -> !kept.contains(s)).toList();
        Set<RequirementsHash> used = new LinkedHashSet<>();
        used.add(spec.requirementsHash());
        seen.releases().values().stream().filter(r -> kept.contains(r.sha()))
                .forEach(r -> r.env().ifPresent(used::add));
        List<RequirementsHash> envs = new ArrayList<>();
        seen.envs().stream().filter(e -> !used.contains(e)).sorted(Comparator.comparing(RequirementsHash::hex))
                .forEach(envs::add);
        seen.partialEnvs().stream().filter(e -> !used.contains(e)).sorted(Comparator.comparing(RequirementsHash::hex))
                .forEach(envs::add);
        return releases.isEmpty() && envs.isEmpty() ? Optional.empty() : Optional.of(new Action.Prune(releases, envs));
    }

    private static List<String> detail(AppSpec spec, Observation seen) {
        List<String> detail = new ArrayList<>();
        seen.current().flatMap(seen::check).ifPresent(check -> {
            check.head().filter(h -> !h.equals(check.sha().hex()))
                    .ifPresent(h -> detail.add("release " + check.sha().abbrev() + " is checked out at " + h));
            check.changes().forEach(c -> detail.add("changed by hand: " + c.strip()));
        });
        if (seen.current().isEmpty() && !seen.currentLink().isEmpty()) {
            detail.add("current points at " + seen.currentLink() + ", which is not a release");
        }
        return detail;
    }

    /**
     * The batches a rollout takes {@code hosts} in: the canary batch (if any) first, then
     * batches of the rollout's batch size, a percentage taken of {@code total} hosts.
     */
    public static List<List<HostAddress>> batches(List<HostAddress> hosts, Rollout rollout, int total) {
        int canary = Math.min(rollout.canary(), hosts.size());
        List<List<HostAddress>> batches = new ArrayList<>();
        if (canary > 0) {
            batches.add(hosts.subList(0, canary));
        }
        batches.addAll(batches(hosts.subList(canary, hosts.size()), rollout.batch().of(total)));
        return batches;
    }

    static List<List<HostAddress>> batches(List<HostAddress> hosts, int size) {
        List<List<HostAddress>> batches = new ArrayList<>();
        for (int from = 0; from < hosts.size(); from += size) {
            batches.add(hosts.subList(from, Math.min(hosts.size(), from + size)));
        }
        return batches;
    }
}
