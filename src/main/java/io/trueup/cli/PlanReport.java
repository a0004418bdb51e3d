package io.trueup.cli;

import io.trueup.desired.AppSpec;
import io.trueup.desired.HostAddress;
import io.trueup.desired.Problem;
import io.trueup.desired.RenderedConfig;
import io.trueup.desired.RequirementsHash;
import io.trueup.plan.Planner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * The text of a plan: per app/environment that merging changes, what changes, which hosts a
 * rollout takes in which batches and which hosts are undeployed; then a summary line. Unchanged app/environments are only
 * counted. Pure, given the commit logs.
 */
final class PlanReport {

    /** How many different changes of rendered config are shown: with {host} in a template, each host has its own. */
    static final int CONFIG_GROUPS_SHOWN = 3;

    private final BiFunction<AppSpec, AppSpec, CommitLog> logs;
    private final List<String> lines = new ArrayList<>();

    /** @param logs the app commits between a base spec's SHA and a head spec's SHA */
    private PlanReport(BiFunction<AppSpec, AppSpec, CommitLog> logs) {
        this.logs = logs;
    }

    static List<String> lines(String base, String head, List<EnvChange> changes, List<Problem> headProblems,
            BiFunction<AppSpec, AppSpec, CommitLog> logs) {
        PlanReport report = new PlanReport(logs);
        report.lines.add("plan: desired state " + abbrev(base) + " -> " + abbrev(head));
        changes.forEach(report::change);
        if (!headProblems.isEmpty()) {
            report.lines.add("problems at head:");
            headProblems.forEach(p -> report.lines.add(p.toString()));
        }
        report.lines.add(summary(changes));
        return report.lines;
    }

    private void change(EnvChange change) {
        switch (change) {
            case EnvChange.Added a -> added(a);
            case EnvChange.Changed c -> changed(c.base(), c.head());
            case EnvChange.Removed r -> removed(r);
            case EnvChange.Invalid i -> {
                lines.add(i.id() + ": invalid at head; trueup keeps its last valid state and changes no host");
                i.problems().forEach(p -> lines.add(p.toString()));
            }
            case EnvChange.Unchanged u -> {
            }
        }
    }

    private void added(EnvChange.Added added) {
        AppSpec head = added.head();
        lines.add(head.id() + (added.wasInvalid() ? ": valid again (invalid at base)" : ": added"));
        lines.add("  sha: " + head.sha().abbrev());
        lines.add("  env: " + hash(head.requirementsHash()));
        config(host -> RenderedConfig.NONE, head);
        rollout(head, head.hosts(), false);
    }

    private void removed(EnvChange.Removed removed) {
        lines.add(removed.id() + ": removed");
        removed.base().ifPresentOrElse(base -> {
            lines.add("  undeploys " + Words.count(base.hosts().size(), "host") + ": " + join(base.hosts()));
            undeploy(base);
        }, () -> lines.add("  invalid at base: undeploys the hosts of its last valid state, if trueup knows one; "
                + when(removed.id())));
    }

    /** How hosts of {@code base} that leave desired state are undeployed, and when. */
    private void undeploy(AppSpec base) {
        lines.add("    " + base.stop().map(stop -> "stop runs (" + stop + "), then current is removed")
                .orElse("current is removed (no stop command)") + "; releases, envs and shared stay");
        lines.add("    " + when(base.id()));
    }

    private static String when(io.trueup.desired.AppEnv id) {
        return "at once with trueup.undeploy=auto; else (manual, the default) on POST /api/apps/" + id.app() + "/"
                + id.env() + "/undeploy";
    }

    private void changed(AppSpec base, AppSpec head) {
        lines.add(head.id() + ": changed");
        boolean newSha = !base.sha().equals(head.sha());
        boolean newEnv = !base.requirementsHash().equals(head.requirementsHash());
        if (newSha) {
            lines.add("  sha: " + base.sha().abbrev() + " -> " + head.sha().abbrev());
            commits(logs.apply(base, head));
        }
        if (newSha || newEnv) {
            lines.add(newEnv
                    ? "  env: rebuilt: " + hash(base.requirementsHash()) + " -> " + hash(head.requirementsHash())
                    : "  env: reused: " + hash(head.requirementsHash()));
        }
        List<HostAddress> added = head.hosts().stream().filter(h -> !base.hosts().contains(h)).toList();
        List<HostAddress> removed = base.hosts().stream().filter(h -> !head.hosts().contains(h)).toList();
        if (!added.isEmpty()) {
            lines.add("  hosts added: " + join(added));
        }
        if (!removed.isEmpty()) {
            lines.add("  hosts removed: " + join(removed));
            undeploy(base);
        }
        SpecSettings.changes(base, head).forEach(c -> lines.add("  " + c));
        List<HostAddress> newConfig = config(host -> base.hosts().contains(host) ? base.rendered(host)
                : RenderedConfig.NONE, head);
        boolean everyHost = newSha || newEnv || !base.path().equals(head.path()) || !base.user().equals(head.user());
        rollout(head, everyHost ? head.hosts()
                : head.hosts().stream().filter(h -> added.contains(h) || newConfig.contains(h)).toList(),
                !removed.isEmpty());
    }

    /**
     * The lines of rendered config files that change from what each host had {@code before},
     * hosts with the same change together (the secrets masked: a plan renders with stand-ins);
     * returns the hosts whose config changes.
     */
    private List<HostAddress> config(java.util.function.Function<HostAddress, RenderedConfig> before, AppSpec head) {
        Map<List<String>, List<HostAddress>> byChange = new LinkedHashMap<>();
        for (HostAddress host : head.hosts()) {
            List<String> change = ConfigChange.lines(before.apply(host), head.rendered(host));
            if (!change.isEmpty()) {
                byChange.computeIfAbsent(change, c -> new ArrayList<>()).add(host);
            }
        }
        List<Map.Entry<List<String>, List<HostAddress>>> groups = new ArrayList<>(byChange.entrySet());
        groups.stream().limit(CONFIG_GROUPS_SHOWN).forEach(group -> {
            lines.add("  config of " + join(group.getValue()) + ":");
            group.getKey().forEach(line -> lines.add("    " + line));
        });
        List<HostAddress> rest = groups.stream().skip(CONFIG_GROUPS_SHOWN).flatMap(g -> g.getValue().stream()).toList();
        if (!rest.isEmpty()) {
            lines.add("  config changes on " + Words.count(rest.size(), "more host") + " too (not shown): "
                    + join(rest));
        }
        return groups.stream().flatMap(g -> g.getValue().stream()).toList();
    }

    private void commits(CommitLog log) {
        switch (log) {
            case CommitLog.Listed listed -> {
                subjects("+", listed.added());
                subjects("-", listed.removed());
            }
            case CommitLog.Unavailable unavailable -> lines.add("    (commits not listed: " + unavailable.reason() + ")");
        }
    }

    private void subjects(String sign, List<String> subjects) {
        subjects.stream().limit(AppRepos.MAX_SUBJECTS).forEach(s -> lines.add("    " + sign + " " + s));
        if (subjects.size() > AppRepos.MAX_SUBJECTS) {
            lines.add("    " + sign + " ... and more");
        }
    }

    /** The batches a rollout takes {@code work} in, canary first, as the planner makes them. */
    private void rollout(AppSpec head, List<HostAddress> work, boolean undeploys) {
        if (work.isEmpty()) {
            lines.add(undeploys ? "  deploys to no host" : "  touches no host");
            return;
        }
        List<List<HostAddress>> batches = Planner.batches(work, head.rollout(), head.hosts().size());
        lines.add("  deploys to " + Words.count(work.size(), "host") + " in "
                + Words.count(batches.size(), "batch", "batches") + ":");
        for (int i = 0; i < batches.size(); i++) {
            boolean canary = i == 0 && head.rollout().canary() > 0;
            lines.add("    batch " + (i + 1) + (canary ? " (canary)" : "") + ": " + join(batches.get(i)));
        }
    }

    private static String summary(List<EnvChange> changes) {
        long added = changes.stream().filter(EnvChange.Added.class::isInstance).count();
        long changed = changes.stream().filter(EnvChange.Changed.class::isInstance).count();
        long removed = changes.stream().filter(EnvChange.Removed.class::isInstance).count();
        long invalid = changes.stream().filter(EnvChange.Invalid.class::isInstance).count();
        long unchanged = changes.stream().filter(EnvChange.Unchanged.class::isInstance).count();
        return "plan: " + changed + " changed, " + added + " added, " + removed + " removed, " + invalid
                + " invalid, " + unchanged + " unchanged";
    }

    private static String hash(RequirementsHash hash) {
        return "sha256:" + hash.hex().substring(0, 12);
    }

    private static String join(List<HostAddress> hosts) {
        return hosts.stream().map(HostAddress::toString).collect(Collectors.joining(", "));
    }

    private static String abbrev(String revision) {
        return revision.length() > 7 ? revision.substring(0, 7) : revision;
    }
}
