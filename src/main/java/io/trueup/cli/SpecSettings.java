package io.trueup.cli;

import io.trueup.desired.AppSpec;
import io.trueup.desired.Health;
import io.trueup.desired.Hooks;
import io.trueup.desired.ReleaseRecipe;
import io.trueup.desired.Rollout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings of a spec as they are written in desired state, by dotted field name: every
 * field but {@code sha}, {@code requirementsHash} and {@code hosts}, which a plan shows on
 * their own (and what config renders, which it shows line by line). Pure.
 */
final class SpecSettings {

    private SpecSettings() {
    }

    /** {@code field: before -> after} for each setting that differs, in the order of the format's table. */
    static List<String> changes(AppSpec base, AppSpec head) {
        Map<String, String> before = of(base);
        Map<String, String> after = of(head);
        List<String> lines = new ArrayList<>();
        after.forEach((field, value) -> {
            if (!value.equals(before.get(field))) {
                lines.add(field + ": " + before.get(field) + " -> " + value);
            }
        });
        return lines;
    }

    static Map<String, String> of(AppSpec spec) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("source", spec.source());
        settings.put("path", spec.path());
        settings.put("user", spec.user());
        settings.put("requirements", spec.requirements());
        settings.put("wheelhouse", spec.wheelhouse());
        settings.put("python", spec.python());
        settings.put("transport", spec.transport().toString());
        settings.put("restart", text(spec.restart()));
        settings.put("stop", text(spec.stop()));
        health(spec.health(), settings);
        rollout(spec.rollout(), settings);
        settings.put("keep", Integer.toString(spec.keep()));
        settings.put("selfHeal", Boolean.toString(spec.selfHeal()));
        recipe(spec.recipe(), settings);
        return settings;
    }

    private static void recipe(ReleaseRecipe recipe, Map<String, String> settings) {
        settings.put("shared", list(recipe.shared().stream().map(Object::toString).toList()));
        settings.put("config", list(recipe.config().stream()
                .map(c -> c.template() + " -> " + c.dest() + " (" + c.modeText() + ")").toList()));
        settings.put("vars", recipe.vars().isEmpty() ? "(none)" : recipe.vars().toString());
        settings.put("hostVars", recipe.hostVars().isEmpty() ? "(none)" : recipe.hostVars().toString());
        Hooks hooks = recipe.hooks();
        settings.put("hooks.build", text(hooks.build()));
        settings.put("hooks.migrate", text(hooks.migrate()));
        settings.put("hooks.beforeSwitch", text(hooks.beforeSwitch()));
        settings.put("hooks.afterSwitch", text(hooks.afterSwitch()));
        settings.put("hooks.timeout", duration(hooks.timeout()));
    }

    private static String list(List<String> items) {
        return items.isEmpty() ? "(none)" : "[" + String.join(", ", items) + "]";
    }

    private static void health(Health health, Map<String, String> settings) {
        settings.put("health.http", text(health.http()));
        settings.put("health.command", text(health.command()));
        settings.put("health.timeout", duration(health.timeout()));
        settings.put("health.interval", duration(health.interval()));
        settings.put("health.retries", Integer.toString(health.retries()));
        settings.put("health.grace", duration(health.grace()));
    }

    private static void rollout(Rollout rollout, Map<String, String> settings) {
        settings.put("rollout.batch", rollout.batch().toString());
        settings.put("rollout.maxFailures", Integer.toString(rollout.maxFailures()));
        settings.put("rollout.canary", Integer.toString(rollout.canary()));
        settings.put("rollout.canaryPause", duration(rollout.canaryPause()));
        settings.put("rollout.pause", duration(rollout.pause()));
        settings.put("rollout.onFailure", rollout.onFailure().toString());
    }

    private static String text(Optional<String> value) {
        return value.orElse("(none)");
    }

    /** As desired state writes it: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}; {@code 0s} for none. */
    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s != 0 && s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s != 0 && s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
