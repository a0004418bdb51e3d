package io.trueup.plan;

import io.trueup.desired.AppSpec;
import io.trueup.desired.Hooks;
import io.trueup.desired.HostAddress;
import io.trueup.desired.ReleaseId;
import io.trueup.desired.RenderedConfig;
import io.trueup.desired.RequirementsHash;
import io.trueup.desired.Rollout;
import io.trueup.desired.Transport;
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
        Map<HostAddress, Observation> seen = new LinkedHashMap<>();
        for (Inspection inspection : inspections) {
            switch (inspection) {
                case Inspection.Seen s -> {
                    plans.add(withHealth(hostPlan(spec, s.host(), s.observation()), unhealthy.get(s.host())));
                    seen.put(s.host(), s.observation());
                }
                case Inspection.Recalled recalled -> {
                    plans.add(recalledPlan(spec, recalled.host(), recalled.observation()));
                    seen.put(recalled.host(), recalled.observation());
                }
                case Inspection.Failed failed -> unreachable.put(failed.host(), failed.error());
            }
        }
        List<HostAddress> work = plans.stream().filter(p -> !p.converged()).map(HostPlan::host).toList();
        List<List<HostAddress>> batches = batches(work, spec.rollout(), spec.hosts().size());
        Optional<HostAddress> migrateOn = migrateOn(spec, plans, batches, seen);
        migrateOn.ifPresent(host -> plans.replaceAll(p -> p.host().equals(host) ? withMigrate(p) : p));
        return new Plan(spec.id(), plans, unreachable, batches, migrateOn);
    }

    /**
     * The host that runs {@code hooks.migrate}: the first host, in rollout order, that switches to
     * the desired release, when that release is new. It is new when no host inspected runs it yet
     * and some host switches to it without having run it before (it makes it, or it was made and
     * never switched to, say by a deploy cut off before its switch). So a rollback to a release
     * the hosts ran before, a repaired release, or a host joining hosts that run the release
     * migrate nothing.
     */
    private static Optional<HostAddress> migrateOn(AppSpec spec, List<HostPlan> plans,
            List<List<HostAddress>> batches, Map<HostAddress, Observation> seen) {
        if (spec.recipe().hooks().migrate().isEmpty()) {
            return Optional.empty();
        }
        boolean running = seen.entrySet().stream()
                .anyMatch(e -> e.getValue().current().filter(spec.release(e.getKey())::equals).isPresent());
        if (running) {
            return Optional.empty();
        }
        Map<HostAddress, HostPlan> byHost = new LinkedHashMap<>();
        plans.forEach(p -> byHost.put(p.host(), p));
        List<HostAddress> switching = batches.stream().flatMap(List::stream)
                .filter(h -> byHost.get(h).has(Action.Switch.class)).toList();
        boolean fresh = switching.stream().anyMatch(h -> {
            Observation.Release there = seen.get(h).releases().get(spec.release(h));
            return byHost.get(h).has(Action.MakeRelease.class) || there == null || there.switchedAt() == 0;
        });
        return fresh ? switching.stream().findFirst() : Optional.empty();
    }

    /**
     * The plan of one host of a rollout, inspected again during it: made from that inspection
     * alone, with the migrate step when it is the host that migrates for the rollout ({@code migrates}),
     * and without it otherwise, whatever the host alone would call for: a rollout migrates once.
     */
    public static HostPlan replan(AppSpec spec, Inspection again, boolean migrates) {
        HostPlan plan = plan(spec, List.of(again)).host(again.host());
        if (migrates) {
            return withMigrate(plan);
        }
        List<Action> actions = plan.actions().stream().filter(a -> !(a instanceof Action.Migrate)).toList();
        return new HostPlan(plan.host(), plan.observed(), plan.drift(), actions, plan.rollbackTo(),
                plan.previousBefore(), plan.detail());
    }

    /**
     * {@code plan} with the migrate step, before anything that leads to the switch; {@code plan}
     * itself when it has one already or does not switch.
     */
    private static HostPlan withMigrate(HostPlan plan) {
        if (plan.has(Action.Migrate.class) || !plan.has(Action.Switch.class)) {
            return plan;
        }
        List<Action> actions = new ArrayList<>(plan.actions());
        int at = 0;
        while (!(actions.get(at) instanceof Action.BeforeSwitch) && !(actions.get(at) instanceof Action.Switch)) {
            at++;
        }
        actions.add(at, new Action.Migrate());
        return new HostPlan(plan.host(), plan.observed(), plan.drift(), actions, plan.rollbackTo(),
                plan.previousBefore(), plan.detail());
    }

    private static HostPlan withHealth(HostPlan plan, String unhealthy) {
        if (unhealthy == null || !plan.converged()) {
            return plan;
        }
        List<String> detail = new ArrayList<>(plan.detail());
        detail.add("health check fails: " + unhealthy);
        return new HostPlan(plan.host(), plan.observed(), EnumSet.of(Drift.HEALTH_FAILING),
                List.of(new Action.Restart(), new Action.CheckHealth()), Optional.empty(), plan.previousBefore(),
                detail);
    }

    static HostPlan hostPlan(AppSpec spec, HostAddress host, Observation seen) {
        ReleaseId release = spec.release(host);
        RequirementsHash env = spec.requirementsHash();
        Set<Drift> drift = drift(spec, host, seen);
        boolean leftovers = !seen.leftovers().isEmpty() || !seen.partialEnvs().isEmpty();
        if (drift.equals(Set.of(Drift.DRAINED))) {
            // Nothing to switch: put it back once it is healthy.
            List<Action> actions = new ArrayList<>(leftovers ? List.of(new Action.Cleanup()) : List.of());
            actions.addAll(List.of(new Action.CheckHealth(), new Action.AfterSwitch()));
            return new HostPlan(host, observed(seen), drift, actions, Optional.empty(), seen.previous(),
                    List.of("taken out of its load balancer by hooks.beforeSwitch and not put back"));
        }
        if (drift.isEmpty()) {
            return new HostPlan(host, observed(seen), drift,
                    leftovers ? List.of(new Action.Cleanup()) : List.of(), Optional.empty(), seen.previous(),
                    leftovers ? List.of("left by an interrupted step: " + leftoverNames(seen)) : List.of());
        }
        Hooks hooks = spec.recipe().hooks();
        List<Action> actions = new ArrayList<>();
        if (leftovers) {
            actions.add(new Action.Cleanup());
        }
        if (!seen.basePresent() || !seen.repoPresent()) {
            actions.add(new Action.Prepare());
        }
        boolean make = !releaseUsable(spec, host, seen);
        if (make) {
            // An archive of the tree travels with the release step itself (see Transport).
            if (!seen.commitPresent() && spec.transport() == Transport.GIT) {
                actions.add(new Action.Push(release.sha()));
            }
            actions.add(new Action.MakeRelease(release, seen.releases().containsKey(release)));
        }
        if (!seen.envs().contains(env)) {
            actions.add(new Action.BuildEnv(env));
        }
        if (make && hooks.build().isPresent()) {
            actions.add(new Action.Build());
        }
        if (hooks.beforeSwitch().isPresent()) {
            actions.add(new Action.BeforeSwitch());
        }
        actions.add(new Action.Switch(release));
        actions.add(new Action.Restart());
        actions.add(new Action.CheckHealth());
        if (hooks.afterSwitch().isPresent()) {
            actions.add(new Action.AfterSwitch());
        }
        prune(spec, host, seen).ifPresent(actions::add);
        Optional<ReleaseId> rollbackTo = seen.current().filter(c -> !c.equals(release)
                && seen.releases().containsKey(c));
        return new HostPlan(host, observed(seen), drift, actions, rollbackTo, seen.previous(),
                detail(spec, host, seen));
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
        ReleaseId release = spec.release(host);
        if (!seen.basePresent() || !seen.repoPresent() || seen.current().filter(release::equals).isPresent()) {
            throw new IllegalArgumentException("an earlier inspection plans only a change of release on a prepared host");
        }
        boolean present = seen.releases().containsKey(release);
        Map<String, String> rendered = new LinkedHashMap<>();
        spec.rendered(host).files().forEach(f -> rendered.put(f.dest(), f.digest()));
        Observation assumed = new Observation(true, true, false, seen.current(), seen.currentLink(), seen.previous(),
                seen.releases(), seen.envs(), seen.partialEnvs(), present
                        ? Map.of(release, new Observation.ReleaseCheck(release, Optional.of(release.sha().hex()),
                                List.of(), rendered, true))
                        : Map.of(),
                seen.leftovers(), seen.drained(), seen.lock());
        HostPlan plan = hostPlan(spec, host, assumed);
        List<Action> actions = new ArrayList<>(plan.actions());
        boolean asIs = present && !plan.has(Action.MakeRelease.class);
        boolean envThere = !plan.has(Action.BuildEnv.class);
        // After the push, which changes nothing the host uses; before the first step on the host.
        int first = actions.get(0) instanceof Action.Push ? 1 : 0;
        actions.add(first, new Action.Verify(seen.currentLink(), seen.previous().map(p -> "releases/" + p.name())
                .orElse(""), spec.requirementsHash(), envThere, asIs ? Optional.of(release) : Optional.empty(),
                asIs && spec.recipe().hooks().build().isPresent()));
        return new HostPlan(host, plan.observed(), plan.drift(), actions, plan.rollbackTo(), plan.previousBefore(),
                plan.detail());
    }

    private static String leftoverNames(Observation seen) {
        List<String> names = new ArrayList<>(seen.leftovers());
        seen.partialEnvs().forEach(e -> names.add("envs/" + e.hex()));
        return String.join(", ", names);
    }

    private static Optional<String> observed(Observation seen) {
        return seen.current().map(ReleaseId::name)
                .or(() -> seen.currentLink().isEmpty() ? Optional.empty() : Optional.of(seen.currentLink()));
    }

    static Set<Drift> drift(AppSpec spec, HostAddress host, Observation seen) {
        ReleaseId release = spec.release(host);
        Set<Drift> drift = EnumSet.noneOf(Drift.class);
        if (seen.current().isEmpty()) {
            drift.add(Drift.MISSING_CURRENT);
        } else if (!seen.current().get().sha().equals(release.sha())) {
            drift.add(Drift.WRONG_SHA);
        } else if (!seen.current().get().equals(release)) {
            drift.add(Drift.CONFIG_CHANGED);
        } else if (!asMade(spec, host, seen)) {
            drift.add(Drift.MODIFIED);
        }
        boolean linked = Optional.ofNullable(seen.releases().get(release))
                .flatMap(Observation.Release::env).filter(spec.requirementsHash()::equals).isPresent();
        if (!seen.envs().contains(spec.requirementsHash()) || (drift.isEmpty() && !linked)) {
            drift.add(Drift.ENV_MISSING);
        }
        if (seen.drained() && spec.recipe().hooks().afterSwitch().isPresent()) {
            drift.add(Drift.DRAINED);
        }
        return drift;
    }

    /**
     * Whether the desired release is as a deploy makes it, as inspection saw it: its checkout
     * exactly its commit, every file rendered into it as rendered for this host, and, for an app
     * with a build hook, built to the end (a build cut off, or a hook added since, leaves a release
     * that is made and built again).
     */
    private static boolean asMade(AppSpec spec, HostAddress host, Observation seen) {
        ReleaseId release = spec.release(host);
        boolean buildHook = spec.recipe().hooks().build().isPresent();
        return seen.check(release).filter(Observation.ReleaseCheck::pristine)
                .filter(check -> changedConfig(spec.rendered(host), check).isEmpty())
                .filter(check -> !buildHook || check.built()).isPresent();
    }

    /** The rendered files of {@code check}'s release that differ from {@code config}, or are gone. */
    private static List<String> changedConfig(RenderedConfig config, Observation.ReleaseCheck check) {
        return config.files().stream()
                .filter(f -> !f.digest().equals(check.rendered().get(f.dest())))
                .map(f -> check.rendered().containsKey(f.dest()) ? f.dest() : f.dest() + " (gone)")
                .toList();
    }

    /** Whether the desired release can be switched to as it is: present, as made, linked to its env. */
    private static boolean releaseUsable(AppSpec spec, HostAddress host, Observation seen) {
        ReleaseId id = spec.release(host);
        Observation.Release release = seen.releases().get(id);
        return release != null
                && release.env().filter(spec.requirementsHash()::equals).isPresent()
                && asMade(spec, host, seen);
    }

    /**
     * What to remove once the deploy has switched: releases beyond {@code keep}, most
     * recently switched first (the new one first of all), never the new current or the
     * previous; envs that no kept release uses.
     */
    static Optional<Action.Prune> prune(AppSpec spec, HostAddress host, Observation seen) {
        ReleaseId current = spec.release(host);
        Optional<ReleaseId> previous = seen.current().filter(c -> !c.equals(current)).or(seen::previous);
        List<Observation.Release> byRecency = seen.releases().values().stream()
                .filter(r -> !r.id().equals(current))
                .sorted(Comparator.comparingLong(Observation.Release::switchedAt).reversed()
                        .thenComparing(r -> r.id().name()))
                .toList();
        Set<ReleaseId> kept = new LinkedHashSet<>();
        kept.add(current);
        previous.filter(seen.releases()::containsKey).ifPresent(kept::add);
        byRecency.stream().map(Observation.Release::id).forEach(id -> {
            if (kept.size() < spec.keep()) {
                kept.add(id);
            }
        });
        List<ReleaseId> releases = byRecency.stream().map(Observation.Release::id).filter(r -> !kept.contains(r))
                .toList();
        Set<RequirementsHash> used = new LinkedHashSet<>();
        used.add(spec.requirementsHash());
        seen.releases().values().stream().filter(r -> kept.contains(r.id()))
                .forEach(r -> r.env().ifPresent(used::add));
        List<RequirementsHash> envs = new ArrayList<>();
        seen.envs().stream().filter(e -> !used.contains(e)).sorted(Comparator.comparing(RequirementsHash::hex))
                .forEach(envs::add);
        seen.partialEnvs().stream().filter(e -> !used.contains(e)).sorted(Comparator.comparing(RequirementsHash::hex))
                .forEach(envs::add);
        return releases.isEmpty() && envs.isEmpty() ? Optional.empty() : Optional.of(new Action.Prune(releases, envs));
    }

    private static List<String> detail(AppSpec spec, HostAddress host, Observation seen) {
        List<String> detail = new ArrayList<>();
        seen.current().flatMap(seen::check).ifPresent(check -> {
            check.head().filter(h -> !h.equals(check.release().sha().hex()))
                    .ifPresent(h -> detail.add("release " + check.release().abbrev() + " is checked out at " + h));
            check.changes().forEach(c -> detail.add("changed by hand: " + c.strip()));
            if (check.release().equals(spec.release(host))) {
                changedConfig(spec.rendered(host), check)
                        .forEach(f -> detail.add("changed by hand: " + f + ", rendered from config"));
                if (spec.recipe().hooks().build().isPresent() && !check.built()) {
                    detail.add("release " + check.release().abbrev() + " was not built to its end by hooks.build");
                }
            }
        });
        if (seen.current().isEmpty() && !seen.currentLink().isEmpty()) {
            detail.add("current points at " + seen.currentLink() + ", which is not a release");
        }
        seen.current().filter(c -> c.sha().equals(spec.sha()) && !c.equals(spec.release(host)))
                .ifPresent(c -> detail.add("config changed: release " + c.abbrev() + " becomes "
                        + spec.release(host).abbrev()));
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
