package io.trueup.host;

import io.trueup.desired.AppSpec;
import io.trueup.desired.HostAddress;
import io.trueup.desired.ReleaseId;
import io.trueup.desired.Removal;
import io.trueup.desired.RenderedConfig;
import io.trueup.desired.RequirementsHash;
import io.trueup.desired.Sha;
import io.trueup.desired.SharedPath;
import io.trueup.ssh.RemoteCommand;
import io.trueup.ssh.SshTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the commands trueup runs on a host from fixed scripts (resources next to this class) and
 * validated arguments: the read-only inspection, a health command, and commands that run one or
 * more steps in a row under the host lock ({@link #command}). The scripts keep the host layout:
 *
 * <pre>
 * &lt;path&gt;/repo.git               bare repository that trueup pushes objects into
 * &lt;path&gt;/releases/&lt;name&gt;/       one fresh local clone per release: &lt;sha&gt;, or &lt;sha&gt;-&lt;config hash&gt;
 * &lt;path&gt;/envs/&lt;hash&gt;/           virtualenv for one requirements hash
 * &lt;path&gt;/releases/&lt;name&gt;/.venv  -&gt; ../../envs/&lt;hash&gt;
 * &lt;path&gt;/shared/&lt;p&gt;             what outlives releases; each release links &lt;p&gt; to it
 * &lt;path&gt;/current                -&gt; releases/&lt;name&gt;   (switched atomically)
 * &lt;path&gt;/previous               -&gt; the release current pointed at before
 * &lt;path&gt;/.trueup/history.log    one line per deploy; rotated to history.log.1 at {@link #HISTORY_LIMIT}
 * &lt;path&gt;/.trueup/gc-at          when {@link #gc} last collected repo.git (epoch seconds)
 * </pre>
 *
 * Stateless and safe to share.
 */
public final class HostCommands {

    /** The exit codes trueup tells apart, as the scripts define them. */
    private static final String EXIT_CODES = load("exit-codes.sh");
    private static final String COMMON = EXIT_CODES + load("common.sh");
    private static final String INSPECT = load("inspect.sh");
    private static final String RUN = load("run.sh");
    private static final String STEPS = load("steps.sh");
    /**
     * Functions that only some commands need, sent only with those, by name: what a release of an
     * app with shared paths or config does besides a clone ({@code recipe}), a hook's bounded run
     * ({@code hook}), the digests of rendered files ({@code digests}).
     */
    private static final Map<String, String> SUPPORT = Map.of("recipe", load("recipe.sh"), "hook", load("hook.sh"),
            "digests", load("digests.sh"));
    /** The script of each function a step can run, by function name. */
    private static final Map<String, String> FUNCTIONS = Map.ofEntries(Map.entry("cleanup", load("cleanup.sh")),
            Map.entry("prepare", load("prepare.sh")), Map.entry("release", load("release.sh")),
            Map.entry("env", load("env.sh")), Map.entry("switch", load("switch.sh")), Map.entry("run", RUN),
            Map.entry("prune", load("prune.sh")), Map.entry("record", load("record.sh")),
            Map.entry("verify", load("verify.sh")), Map.entry("confirm", load("confirm.sh")),
            Map.entry("gc", load("gc.sh")), Map.entry("unlock", ":\n"),
            Map.entry("stop", load("stop.sh") + RUN), Map.entry("unlink", load("unlink.sh")));
    /** The function each step runs, by step name: a user's command (restart, the hooks, stop) runs through run.sh. */
    private static final Map<String, String> STEP_FUNCTIONS = Map.ofEntries(Map.entry("cleanup", "cleanup"),
            Map.entry("prepare", "prepare"), Map.entry("release", "release"), Map.entry("env", "env"),
            Map.entry("switch", "switch"), Map.entry("prune", "prune"), Map.entry("record", "record"),
            Map.entry("verify", "verify"), Map.entry("confirm", "confirm"), Map.entry("gc", "gc"),
            Map.entry("restart", "run"), Map.entry("build", "run"), Map.entry("migrate", "run"),
            Map.entry("beforeSwitch", "run"), Map.entry("afterSwitch", "run"), Map.entry("unlock", "unlock"),
            Map.entry("stop", "stop"), Map.entry("unlink", "unlink"));

    /** The steps that run a user's hook, which {@code hooks.timeout} bounds. */
    public static final java.util.Set<String> HOOKS = java.util.Set.of("build", "migrate", "beforeSwitch",
            "afterSwitch");

    /** What trueup answers on a command's stdin when its {@link #confirm} step starts, for it to go on. */
    public static final String GO = "go";

    /**
     * How long a {@link #confirm} step waits for trueup's word: far longer than a round trip, and
     * short enough that a host whose link was cut in the meantime frees its lock soon.
     */
    static final Duration CONFIRM_WAIT = Duration.ofSeconds(60);

    /** The size in bytes past which a host's {@code .trueup/history.log} is rotated: 1 MiB, thousands of deploys. */
    public static final long HISTORY_LIMIT = 1024 * 1024;

    /** Exit code of {@code confirm} when no word to go on came: the host stopped before the switch. */
    public static final int NO_WORD = exitCode("EX_NO_WORD");

    /** Exit code of a command that found the base directory locked by another controller: try later. */
    public static final int LOCKED = exitCode("EX_LOCKED");

    /** Exit code of {@code verify} when the host is not as the inspection the plan came from saw it. */
    public static final int NOT_AS_SEEN = exitCode("EX_NOT_AS_SEEN");

    private HostCommands() {
    }

    /**
     * One step of a host command.
     *
     * @param name the step's name: which script it runs
     * @param args the script's arguments after the base directory
     * @param mayFail whether the steps after it run even if it fails (its failure is a warning)
     * @param input what the step reads on the command's stdin (the config rendered into a release)
     * @param support the support functions ({@link #SUPPORT}) its script calls with these arguments
     */
    public record Step(String name, List<String> args, boolean mayFail, RemoteCommand.Input input,
            Set<String> support) {
        public Step {
            if (!STEP_FUNCTIONS.containsKey(name)) {
                throw new IllegalArgumentException("no such step: " + name);
            }
            args = List.copyOf(args);
            java.util.Objects.requireNonNull(input);
            support = Set.copyOf(support);
            if (!SUPPORT.keySet().containsAll(support)) {
                throw new IllegalArgumentException("no such support: " + support);
            }
        }

        public Step(String name, List<String> args, boolean mayFail) {
            this(name, args, mayFail, RemoteCommand.Input.NONE, Set.of());
        }

        private Step(String name, String... args) {
            this(name, List.of(args), false);
        }
    }

    /** The SSH login for {@code host} of this app/environment. */
    public static SshTarget target(AppSpec spec, HostAddress host) {
        return new SshTarget(host.name(), host.port(), spec.user());
    }

    /**
     * Reports the base directory's state, and that of the release {@code host} should run (with
     * the SHA-256 of each file rendered into it); read-only. See {@code observe.Observation}.
     */
    public static RemoteCommand inspect(AppSpec spec, HostAddress host) {
        List<String> args = new ArrayList<>(List.of(spec.path(), spec.release(host).name()));
        spec.rendered(host).files().forEach(f -> args.add(f.dest()));
        return new RemoteCommand("inspect", args.size() > 2 ? SUPPORT.get("digests") + INSPECT : INSPECT, args);
    }

    /**
     * One command that runs {@code steps} in order on the host, under one hold of the host lock
     * when the command is given the lock's variables. The first step that fails ends it, unless
     * it {@linkplain Step#mayFail may fail}. It reports each step on stdout as it starts and ends
     * (read with {@link StepReport}); the steps' own output goes to stderr. Its name, for
     * messages and metrics, is the steps' names joined with {@code +}.
     */
    public static RemoteCommand command(AppSpec spec, List<Step> steps) {
        return command(spec.path(), steps);
    }

    private static RemoteCommand command(String path, List<Step> steps) {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a host command runs at least one step");
        }
        StringBuilder script = new StringBuilder(COMMON);
        Set<String> defined = new LinkedHashSet<>();
        RemoteCommand.Input input = RemoteCommand.Input.NONE;
        for (Step step : steps) {
            for (String support : step.support()) {
                if (defined.add(support)) {
                    script.append(SUPPORT.get(support));
                }
            }
            String function = STEP_FUNCTIONS.get(step.name());
            if (defined.add(function)) {
                script.append("step_").append(function).append("() {\n").append(FUNCTIONS.get(function))
                        .append("}\n");
            }
            input = input.then(step.input());
        }
        script.append(STEPS);
        // The lines below name only steps and argument positions: the arguments stay data.
        List<String> args = new ArrayList<>();
        args.add(path);
        script.append("begin \"${1}\"").append(steps.get(0).name().equals("prepare") ? " make" : "").append('\n');
        for (Step step : steps) {
            script.append("step ").append(step.name()).append(step.mayFail() ? " warn " : " stop ")
                    .append(STEP_FUNCTIONS.get(step.name())).append(" \"${1}\"");
            for (String arg : step.args()) {
                args.add(arg);
                script.append(" \"${").append(args.size()).append("}\"");
            }
            script.append('\n');
        }
        List<String> names = steps.stream().map(Step::name).toList();
        return new RemoteCommand(String.join("+", names), script.toString(), args).withInput(input);
    }

    /**
     * The steps a command made by {@link #command} runs, read back from its script (names and
     * whether each may fail; no arguments); empty for any other command.
     */
    public static List<Step> stepsOf(RemoteCommand command) {
        List<Step> steps = new ArrayList<>();
        for (String line : command.script().split("\n")) {
            String[] words = line.split(" ");
            if (words.length >= 3 && words[0].equals("step") && STEP_FUNCTIONS.containsKey(words[1])) {
                steps.add(new Step(words[1], List.of(), words[2].equals("warn")));
            }
        }
        return steps;
    }

    /**
     * Checks that {@code repo.git} is there, that {@code current} and {@code previous} still
     * point at {@code currentLink} and {@code previousLink} (empty: missing), that {@code env}
     * is complete if {@code envComplete}, and that {@code usedAsIs} (when given) is still a
     * pristine release linked to {@code env}, its rendered files as {@code rendered}, and built to
     * the end if {@code built}: what a plan made from an earlier inspection relies on. Exits
     * {@link #NOT_AS_SEEN} when not.
     */
    public static Step verify(String currentLink, String previousLink, RequirementsHash env, boolean envComplete,
            Optional<ReleaseId> usedAsIs, boolean built, RenderedConfig rendered) {
        List<String> must = new ArrayList<>();
        if (envComplete) {
            must.add("complete");
        }
        if (built && usedAsIs.isPresent()) {
            must.add("built");
        }
        List<String> args = new ArrayList<>(List.of(currentLink, previousLink, env.hex(), String.join(",", must)));
        usedAsIs.ifPresent(release -> {
            args.add(release.name());
            rendered.files().forEach(f -> {
                args.add(f.dest());
                args.add(f.digest());
            });
        });
        boolean digests = usedAsIs.isPresent() && !rendered.files().isEmpty();
        return new Step("verify", args, false, RemoteCommand.Input.NONE, digests ? Set.of("digests") : Set.of());
    }

    /**
     * Waits for trueup's word to go on: {@link #GO} on the command's stdin, which trueup answers
     * when it hears the step start (see {@link #confirms}). Without it (trueup's connection gone,
     * or no word within {@link #CONFIRM_WAIT}) the command ends there, so one command can make a
     * release and switch to it and yet never switch without trueup there to check the host and
     * switch it back.
     */
    public static Step confirm() {
        return new Step("confirm", Long.toString(CONFIRM_WAIT.toSeconds()));
    }

    /** Whether a command's stdout {@code line} says its {@link #confirm} step waits for the word to go on. */
    public static boolean confirms(String line) {
        return StepReport.starting(line).filter("confirm"::equals).isPresent();
    }

    public static Step prepare() {
        return new Step("prepare");
    }

    /** The bare repository's path, as git on the host resolves it (relative to home if relative). */
    public static String repository(AppSpec spec) {
        return spec.path() + "/repo.git";
    }

    /**
     * Makes the release {@code host} should run: a fresh clone of the commit, the shared paths
     * linked in (but a file that config renders), and the config rendered for the host written
     * with its mode. The rendered files travel on the command's stdin, never on its command line.
     */
    public static Step release(AppSpec spec, HostAddress host) {
        ReleaseId release = spec.release(host);
        RenderedConfig config = spec.rendered(host);
        List<String> args = new ArrayList<>(List.of(release.name(), release.sha().hex(), spec.requirementsHash().hex()));
        if (spec.recipe().shared().isEmpty() && config.files().isEmpty()) {
            return new Step("release", args, false);
        }
        for (SharedPath shared : spec.recipe().shared()) {
            if (config.files().stream().noneMatch(f -> f.dest().equals(shared.path()))) {
                args.add(shared.directory() ? "d" : "f");
                args.add(shared.path());
                args.add(linkTarget(shared.path()));
            }
        }
        args.add("--");
        RemoteCommand.Input input = RemoteCommand.Input.NONE;
        for (RenderedConfig.File file : config.files()) {
            byte[] content = file.content();
            args.add(file.dest());
            args.add(String.format("%04o", file.mode()));
            args.add(Integer.toString(content.length));
            input = input.then(new RemoteCommand.Input(content));
        }
        return new Step("release", args, false, input, Set.of("recipe"));
    }

    /** Where the link at {@code path} in a release points: {@code <path>/shared/<path>}, relatively. */
    static String linkTarget(String path) {
        int depth = path.split("/").length - 1;
        return "../../" + "../".repeat(depth) + "shared/" + path;
    }

    public static Step buildEnv(AppSpec spec, HostAddress host) {
        return new Step("env", spec.requirementsHash().hex(), spec.release(host).name(), spec.requirements(),
                spec.wheelhouse(), spec.python());
    }

    /**
     * Runs one of the app's hooks ({@link #HOOKS}), as {@link #run} runs a user's command, bounded
     * by {@code hooks.timeout}: {@code build}, {@code migrate} and {@code beforeSwitch} in the
     * release being deployed, {@code afterSwitch} in the current release.
     *
     * @param previous the SHA that was current before the deploy, if any
     */
    public static Step hook(String step, String command, AppSpec spec, HostAddress host, Optional<ReleaseId> in,
            Optional<Sha> previous) {
        if (!HOOKS.contains(step)) {
            throw new IllegalArgumentException("not a hook: " + step);
        }
        long seconds = Math.max(1, (spec.recipe().hooks().timeout().toMillis() + 999) / 1000);
        List<String> args = new ArrayList<>(run(command, spec, host, in, Optional.of(seconds), previous));
        // What else it does (hook.sh): check the build; mark the host taken out of its load balancer, and back.
        switch (step) {
            case "build" -> args.add("build");
            case "beforeSwitch" -> args.add("drain");
            case "afterSwitch" -> args.add("undrain");
            default -> { }
        }
        return new Step(step, args, false, RemoteCommand.Input.NONE, Set.of("hook"));
    }

    /** Points {@code current} at {@code release}, recording {@code now} as its switch time. */
    public static Step switchTo(ReleaseId release, Instant now) {
        return new Step("switch", release.name(), Long.toString(now.getEpochSecond()));
    }

    /** Switches back to {@code release} after a failed deploy, with {@code previous} restored as it was. */
    public static Step switchBack(ReleaseId release, Optional<ReleaseId> previous, Instant now) {
        return new Step("switch", release.name(), Long.toString(now.getEpochSecond()),
                previous.map(ReleaseId::name).orElse(""));
    }

    /**
     * Appends {@code line} (one JSON object) to {@code .trueup/history.log}, first renaming a log
     * that would grow past {@link #HISTORY_LIMIT} to {@code history.log.1} (replacing the one
     * before). The history is best effort: the steps after it run even if it fails.
     */
    public static Step record(String line) {
        return record(line, HISTORY_LIMIT);
    }

    /** {@link #record(String)} with a log rotated past {@code limit} bytes. */
    static Step record(String line, long limit) {
        if (line.contains("\n")) {
            throw new IllegalArgumentException("a history line is one line");
        }
        return new Step("record", List.of(line, Long.toString(limit)), true);
    }

    /**
     * Does nothing but take the host lock and free it when its command ends: the last command of
     * a deploy whose last step ran as a command that kept the lock ({@code TRUEUP_LOCK_HOLD}).
     */
    public static Step unlock() {
        return new Step("unlock");
    }

    /** Removes what an interrupted step left: temporary releases, envs never completed. */
    public static Step cleanup() {
        return new Step("cleanup");
    }

    /**
     * Runs the app's {@code restart} command (shell text from desired state) in the current release.
     *
     * @param previous the SHA that was current before the deploy, if any
     */
    public static Step restart(String shellText, AppSpec spec, HostAddress host, Optional<Sha> previous) {
        return new Step("restart", run(shellText, spec, host, Optional.empty(), Optional.empty(), previous), false);
    }

    /** The SSH login for a host that desired state no longer lists. */
    public static SshTarget target(Removal removal) {
        return new SshTarget(removal.host().name(), removal.host().port(), removal.user());
    }

    /**
     * Undeploys a host that desired state no longer lists, in one command under the host lock:
     * runs the app's {@code stop} command (if it has one) in the current release, as {@link #restart}
     * runs restart, unless there is no current release; then removes {@code current} and
     * {@code previous}; then appends {@code historyLine} to {@code .trueup/history.log} (best effort,
     * as {@link #record}). A stop that fails ends the command with {@code current} in place.
     * Releases, envs, shared paths and {@code repo.git} stay. A host without the base directory
     * has nothing to undeploy: the command succeeds (but its history line).
     */
    public static RemoteCommand undeploy(Removal removal, String historyLine) {
        List<Step> steps = new ArrayList<>();
        removal.stop().ifPresent(stop -> steps.add(new Step("stop", List.of(stop, "", "", removal.id().app(),
                removal.id().env(), removal.host().name(), ""), false)));
        steps.add(new Step("unlink"));
        steps.add(record(historyLine));
        return command(removal.path(), steps);
    }

    /** Runs {@code shellText} (a health command from desired state) in the current release, without the lock. */
    public static RemoteCommand health(AppSpec spec, HostAddress host, String shellText) {
        List<String> args = new ArrayList<>(List.of(spec.path()));
        args.addAll(run(shellText, spec, host, Optional.empty(), Optional.empty(), Optional.empty()));
        return new RemoteCommand("health", COMMON + RUN, args);
    }

    /** The arguments of run.sh after the base directory: what to run, where, for how long, and for whom. */
    private static List<String> run(String command, AppSpec spec, HostAddress host, Optional<ReleaseId> in,
            Optional<Long> seconds, Optional<Sha> previous) {
        return List.of(command, in.map(ReleaseId::name).orElse(""), seconds.map(Object::toString).orElse(""),
                spec.id().app(), spec.id().env(), host.name(), previous.map(Sha::hex).orElse(""));
    }

    /** Removes old releases and envs; a failed prune does not stop the steps after it. */
    public static Step prune(List<ReleaseId> releases, List<RequirementsHash> envs) {
        List<String> args = new ArrayList<>();
        releases.forEach(release -> args.add(release.name()));
        args.add("--");
        envs.forEach(env -> args.add(env.hex()));
        return new Step("prune", args, true);
    }

    /** How often at most {@link #gc} collects a host's {@code repo.git}. */
    public static final Duration GC_EVERY = Duration.ofDays(1);

    /**
     * How long an object that no ref points at is kept by {@link #gc}: far longer than a push
     * (outside the lock) takes to be followed by the release made from it.
     */
    static final Duration GC_GRACE = Duration.ofHours(1);

    /**
     * Collects {@code repo.git}, unless it was collected less than {@link #GC_EVERY} before
     * {@code now}: deletes the ref of each pushed commit that no release is made from, then runs
     * {@code git gc} (niced), which drops the objects that were only theirs and are older than
     * {@link #GC_GRACE}. The releases kept do not need {@code repo.git}'s objects: each is a clone
     * with hard links of its own. Best effort: a failure is a warning.
     */
    public static Step gc(Instant now) {
        return new Step("gc", List.of(Long.toString(now.getEpochSecond()), Long.toString(GC_EVERY.toSeconds()),
                Long.toString(now.minus(GC_GRACE).getEpochSecond())), true);
    }

    /** The value of {@code variable} in exit-codes.sh. */
    private static int exitCode(String variable) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + variable + "=([0-9]+)\\b")
                .matcher(EXIT_CODES);
        if (!m.find()) {
            throw new IllegalStateException("exit-codes.sh defines no " + variable);
        }
        return Integer.parseInt(m.group(1));
    }

    private static String load(String name) {
        try (InputStream in = HostCommands.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("host script missing from the build: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
