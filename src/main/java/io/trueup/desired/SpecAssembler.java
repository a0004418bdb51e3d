package io.trueup.desired;

import static io.trueup.desired.Schema.HEALTH_COMMAND;
import static io.trueup.desired.Schema.HEALTH_HTTP;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Makes the desired entry of one app/environment from its app.yaml and environment file: the
 * environment file overrides app.yaml field by field, defaults fill what neither sets, and the
 * rules that span fields are checked (required fields, health http or command). The entry is
 * invalid when either file has any problem; it then lists all of them, app.yaml's first.
 * Stateless.
 */
final class SpecAssembler {

    static final String DEFAULT_REQUIREMENTS = "requirements.txt";
    static final String DEFAULT_WHEELHOUSE = "wheels";
    static final String DEFAULT_PYTHON = "python3";
    static final Rollout DEFAULT_ROLLOUT = Rollout.DEFAULT;
    static final int DEFAULT_KEEP = 5;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    private SpecAssembler() {
    }

    /**
     * The entry for {@code id}; {@code defaultUser} applies when neither file names a user, and
     * the entry is invalid where it breaks {@code policy}.
     */
    static DesiredEntry assemble(AppEnv id, FileSettings app, FileSettings env, String defaultUser, Policy policy) {
        Settings merged = app.settings().overriddenBy(env.settings());
        List<Problem> problems = new ArrayList<>(app.problems());
        problems.addAll(env.problems());
        if (app.readable() && env.readable()) {
            problems.addAll(missing(merged, app.file(), env.file()));
        }
        healthConflict(merged, env.file()).ifPresent(problems::add);
        problems.addAll(recipeProblems(app, merged));
        if (!problems.isEmpty()) {
            return new DesiredEntry.Invalid(id, problems);
        }
        AppSpec spec = spec(id, merged, env.file(), defaultUser);
        List<Problem> outside = policy.violations(spec).stream().map(v -> placed(v, merged, env.file())).toList();
        return outside.isEmpty() ? new DesiredEntry.Valid(spec) : new DesiredEntry.Invalid(id, outside);
    }

    /** A broken rule of the policy, at the line that sets its field ({@code hosts} for {@code hosts[2]}). */
    private static Problem placed(Policy.Violation violation, Settings merged, String envFile) {
        String name = violation.field().replaceFirst("\\[[0-9]+]$", "");
        Optional<Setting> at = Schema.field(name).flatMap(merged::setting).filter(Setting.Value.class::isInstance);
        return at.map(s -> new Problem(s.file(), s.line(), violation.field(), violation.message()))
                .orElseGet(() -> new Problem(envFile, 0, violation.field(), violation.message()
                        + " (the default, trueup.ssh.user)"));
    }

    private static List<Problem> missing(Settings merged, String appFile, String envFile) {
        return Schema.REQUIRED.stream()
                .filter(field -> !merged.written(field))
                .map(field -> new Problem(envFile, 1, field.name(),
                        "missing; set it in this file or in " + appFile))
                .toList();
    }

    /** Both health.http and health.command set: reported where the environment file made the clash. */
    private static Optional<Problem> healthConflict(Settings merged, String envFile) {
        if (merged.value(HEALTH_HTTP).isEmpty() || merged.value(HEALTH_COMMAND).isEmpty()) {
            return Optional.empty();
        }
        Setting http = merged.setting(HEALTH_HTTP).orElseThrow();
        Setting command = merged.setting(HEALTH_COMMAND).orElseThrow();
        boolean atHttp = http.file().equals(envFile) && !command.file().equals(envFile);
        Setting at = atHttp ? http : command;
        Setting other = atHttp ? command : http;
        Field<String> otherField = atHttp ? HEALTH_COMMAND : HEALTH_HTTP;
        String message = "health takes http or command, not both; " + otherField.name() + " is set at "
                + other.where() + (other.file().equals(at.file()) ? "" : " (write " + otherField.key()
                + ": null here to drop it)");
        return Optional.of(new Problem(at.file(), at.line(), atHttp ? HEALTH_HTTP.name() : HEALTH_COMMAND.name(),
                message));
    }

    /**
     * What spans the fields of a release's recipe: {@code hostVars} only in an environment file
     * and only for its hosts; no config file rendered into a shared directory.
     */
    private static List<Problem> recipeProblems(FileSettings app, Settings merged) {
        List<Problem> problems = new ArrayList<>();
        app.settings().setting(Schema.HOST_VARS).filter(s -> !(s instanceof Setting.Cleared)).ifPresent(s ->
                problems.add(new Problem(s.file(), s.line(), Schema.HOST_VARS.name(), "set it in an environment file:"
                        + " it names that environment's hosts")));
        Optional<List<HostAddress>> hosts = merged.value(Schema.HOSTS);
        merged.value(Schema.HOST_VARS).ifPresent(byHost -> hosts.ifPresent(listed -> byHost.keySet().stream()
                .filter(host -> !listed.contains(host)).forEach(host -> {
                    Setting at = merged.setting(Schema.HOST_VARS).orElseThrow();
                    problems.add(new Problem(at.file(), at.line(), Schema.HOST_VARS.name(), host
                            + " is not one of hosts"));
                })));
        List<SharedPath> shared = merged.value(Schema.SHARED).orElse(List.of());
        merged.value(Schema.CONFIG).ifPresent(files -> files.forEach(f -> shared.stream()
                .filter(p -> p.directory() && p.covers(f.dest())).findFirst().ifPresent(p -> {
                    Setting at = merged.setting(Schema.CONFIG).orElseThrow();
                    problems.add(new Problem(at.file(), at.line(), Schema.CONFIG.name(), "dest " + f.dest()
                            + " lies in the shared directory " + p + "; a rendered file belongs to its release (so"
                            + " that a rollback brings back its config): write it elsewhere"));
                })));
        return problems;
    }

    private static AppSpec spec(AppEnv id, Settings s, String envFile, String defaultUser) {
        return new AppSpec(
                id,
                s.value(Schema.SOURCE).orElseThrow(),
                s.value(Schema.PATH).orElseThrow(),
                s.value(Schema.USER).orElse(defaultUser),
                s.value(Schema.REQUIREMENTS).orElse(DEFAULT_REQUIREMENTS),
                s.value(Schema.WHEELHOUSE).orElse(DEFAULT_WHEELHOUSE),
                s.value(Schema.PYTHON).orElse(DEFAULT_PYTHON),
                s.value(Schema.RESTART),
                s.value(Schema.STOP),
                health(s),
                rollout(s),
                s.value(Schema.KEEP).orElse(DEFAULT_KEEP),
                s.value(Schema.SELF_HEAL).orElse(true),
                s.value(Schema.SHA).orElseThrow(),
                s.value(Schema.REQUIREMENTS_HASH).orElseThrow(),
                s.value(Schema.HOSTS).orElseThrow(),
                envFile,
                recipe(s),
                java.util.Map.of(),
                s.value(Schema.TRANSPORT).orElse(Transport.GIT));
    }

    private static ReleaseRecipe recipe(Settings s) {
        Hooks hooks = new Hooks(s.value(Schema.HOOKS_BUILD), s.value(Schema.HOOKS_MIGRATE),
                s.value(Schema.HOOKS_BEFORE_SWITCH), s.value(Schema.HOOKS_AFTER_SWITCH),
                s.value(Schema.HOOKS_TIMEOUT).orElse(Hooks.DEFAULT_TIMEOUT));
        return new ReleaseRecipe(s.value(Schema.SHARED).orElse(List.of()), s.value(Schema.CONFIG).orElse(List.of()),
                s.mapping(Schema.VARS), s.value(Schema.HOST_VARS).orElse(java.util.Map.of()), hooks);
    }

    private static Health health(Settings s) {
        return new Health(
                s.value(HEALTH_HTTP),
                s.value(HEALTH_COMMAND),
                s.value(Schema.HEALTH_TIMEOUT).orElse(DEFAULT_TIMEOUT),
                s.value(Schema.HEALTH_INTERVAL).orElse(DEFAULT_INTERVAL),
                s.value(Schema.HEALTH_RETRIES).orElse(Health.NONE.retries()),
                s.value(Schema.HEALTH_GRACE).orElse(Health.NONE.grace()));
    }

    private static Rollout rollout(Settings s) {
        return new Rollout(
                s.value(Schema.ROLLOUT_BATCH).orElse(DEFAULT_ROLLOUT.batch()),
                s.value(Schema.ROLLOUT_MAX_FAILURES).orElse(DEFAULT_ROLLOUT.maxFailures()),
                s.value(Schema.ROLLOUT_CANARY).orElse(DEFAULT_ROLLOUT.canary()),
                s.value(Schema.ROLLOUT_CANARY_PAUSE).orElse(DEFAULT_ROLLOUT.canaryPause()),
                s.value(Schema.ROLLOUT_PAUSE).orElse(DEFAULT_ROLLOUT.pause()),
                s.value(Schema.ROLLOUT_ON_FAILURE).orElse(DEFAULT_ROLLOUT.onFailure()));
    }
}
