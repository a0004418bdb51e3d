package io.trueup.desired;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fields that {@code app.yaml} and environment files may hold, in the order the format
 * documents them. Both kinds of file take every field; an environment file overrides app.yaml
 * field by field.
 */
final class Schema {

    static final Field<String> SOURCE = Field.text("source", ValueRules::source);
    static final Field<String> PATH = Field.text("path", ValueRules::basePath);
    static final Field<String> USER = Field.text("user", ValueRules::user);
    static final Field<String> REQUIREMENTS = Field.text("requirements", ValueRules::repoPath);
    static final Field<String> WHEELHOUSE = Field.text("wheelhouse", ValueRules::repoPath);
    static final Field<String> PYTHON = Field.text("python", ValueRules::python);
    static final Field<Transport> TRANSPORT = Field.text("transport", Transport::parse);
    static final Field<String> RESTART = Field.text("restart", ValueRules::shellCommand);
    static final Field<String> STOP = Field.text("stop", ValueRules::shellCommand);
    static final Field<String> HEALTH_HTTP = Field.text("health.http", ValueRules::httpUrl);
    static final Field<String> HEALTH_COMMAND = Field.text("health.command", ValueRules::shellCommand);
    static final Field<Duration> HEALTH_TIMEOUT = Field.text("health.timeout", ValueRules::duration);
    static final Field<Duration> HEALTH_INTERVAL = Field.text("health.interval", ValueRules::duration);
    static final Field<Integer> HEALTH_RETRIES = Field.wholeNumber("health.retries", ValueRules.atLeast(1));
    static final Field<Duration> HEALTH_GRACE = Field.text("health.grace", ValueRules::duration);
    static final Field<BatchSize> ROLLOUT_BATCH = Field.textOrNumber("rollout.batch", BatchSize::parse);
    static final Field<Integer> ROLLOUT_MAX_FAILURES = Field.wholeNumber("rollout.maxFailures", ValueRules.atLeast(0));
    static final Field<Integer> ROLLOUT_CANARY = Field.wholeNumber("rollout.canary", ValueRules.atLeast(0));
    static final Field<Duration> ROLLOUT_CANARY_PAUSE = Field.text("rollout.canaryPause", ValueRules::duration);
    static final Field<Duration> ROLLOUT_PAUSE = Field.text("rollout.pause", ValueRules::duration);
    static final Field<Rollout.OnFailure> ROLLOUT_ON_FAILURE = Field.text("rollout.onFailure",
            Rollout.OnFailure::parse);
    static final Field<Boolean> SELF_HEAL = Field.bool("selfHeal");
    static final Field<Integer> KEEP = Field.wholeNumber("keep", ValueRules::keep);
    static final Field<List<SharedPath>> SHARED = Field.list("shared", SharedPath::parse);
    static final Field<List<ConfigFile>> CONFIG = Field.structured("config", Shape.MAPPING_LIST, null);
    static final Field<Map<String, Object>> VARS = Field.structured("vars", Shape.MAPPING, ValueRules::varName);
    static final Field<Map<HostAddress, Map<String, Object>>> HOST_VARS = Field.structured("hostVars",
            Shape.HOST_MAPPING, HostAddress::parse);
    static final Field<String> HOOKS_BUILD = Field.text("hooks.build", ValueRules::shellCommand);
    static final Field<String> HOOKS_MIGRATE = Field.text("hooks.migrate", ValueRules::shellCommand);
    static final Field<String> HOOKS_BEFORE_SWITCH = Field.text("hooks.beforeSwitch", ValueRules::shellCommand);
    static final Field<String> HOOKS_AFTER_SWITCH = Field.text("hooks.afterSwitch", ValueRules::shellCommand);
    static final Field<Duration> HOOKS_TIMEOUT = Field.text("hooks.timeout", ValueRules::duration);
    static final Field<Sha> SHA = Field.text("sha", ValueRules::sha);
    static final Field<RequirementsHash> REQUIREMENTS_HASH =
            Field.text("requirementsHash", RequirementsHash::parse);
    static final Field<List<HostAddress>> HOSTS = Field.list("hosts", HostAddress::parse);

    static final List<Field<?>> ALL = List.of(SOURCE, PATH, USER, REQUIREMENTS, WHEELHOUSE, PYTHON, TRANSPORT, RESTART,
            STOP,             HEALTH_HTTP, HEALTH_COMMAND, HEALTH_TIMEOUT, HEALTH_INTERVAL, HEALTH_RETRIES, HEALTH_GRACE,
            ROLLOUT_BATCH, ROLLOUT_MAX_FAILURES, ROLLOUT_CANARY, ROLLOUT_CANARY_PAUSE, ROLLOUT_PAUSE,
            ROLLOUT_ON_FAILURE, KEEP, SELF_HEAL, SHARED, CONFIG, VARS, HOST_VARS, HOOKS_BUILD, HOOKS_MIGRATE,
            HOOKS_BEFORE_SWITCH, HOOKS_AFTER_SWITCH, HOOKS_TIMEOUT, SHA, REQUIREMENTS_HASH, HOSTS);

    /** The keys of one {@code config} entry, in documented order. */
    static final List<String> CONFIG_KEYS = List.of("template", "dest", "mode");

    /** Fields that must have a value once app.yaml and the environment file are merged. */
    static final List<Field<?>> REQUIRED = List.of(SOURCE, PATH, SHA, REQUIREMENTS_HASH, HOSTS);

    private Schema() {
    }

    /** The field called {@code name} ({@code health.timeout}), if the format has one. */
    static Optional<Field<?>> field(String name) {
        return ALL.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** True when {@code name} is a nested mapping of fields, such as {@code health}. */
    static boolean isSection(String name) {
        return !name.isEmpty() && ALL.stream().anyMatch(f -> f.section().equals(name));
    }

    /** The fields of {@code section} ("" for the top level), in documented order. */
    static List<Field<?>> fieldsOf(String section) {
        return ALL.stream().filter(f -> f.section().equals(section)).toList();
    }

    /** The keys allowed in {@code section} ("" for the top level, where sections count as keys). */
    static List<String> keysOf(String section) {
        var keys = new LinkedHashSet<String>();
        for (Field<?> f : ALL) {
            if (section.isEmpty()) {
                keys.add(f.section().isEmpty() ? f.name() : f.section());
            } else if (f.section().equals(section)) {
                keys.add(f.key());
            }
        }
        return List.copyOf(keys);
    }
}
