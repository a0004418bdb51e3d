package io.trueup.host;

import io.trueup.desired.AppSpec;
import io.trueup.desired.HostAddress;
import io.trueup.desired.RequirementsHash;
import io.trueup.desired.Sha;
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
 * &lt;path&gt;/repo.git              bare repository that trueup pushes objects into
 * &lt;path&gt;/releases/&lt;sha&gt;/       one fresh local clone per release
 * &lt;path&gt;/envs/&lt;hash&gt;/          virtualenv for one requirements hash
 * &lt;path&gt;/releases/&lt;sha&gt;/.venv  -&gt; ../../envs/&lt;hash&gt;
 * &lt;path&gt;/current               -&gt; releases/&lt;sha&gt;   (switched atomically)
 * &lt;path&gt;/previous              -&gt; the release current pointed at before
 * </pre>
 *
 * Stateless and safe to share.
 */
public final class HostCommands {

    private static final String COMMON = load("common.sh");
    private static final String INSPECT = load("inspect.sh");
    private static final String RUN = load("run.sh");
    private static final String STEPS = load("steps.sh");
    /** The script of each step a host command can run, by step name. */
    private static final Map<String, String> STEP_SCRIPTS = Map.of("cleanup", load("cleanup.sh"),
            "prepare", load("prepare.sh"), "release", load("release.sh"), "env", load("env.sh"),
            "switch", load("switch.sh"), "restart", RUN, "prune", load("prune.sh"), "record", load("record.sh"),
            "verify", load("verify.sh"), "confirm", load("confirm.sh"));

    /** What trueup answers on a command's stdin when its {@link #confirm} step starts, for it to go on. */
    public static final String GO = "go";

    /**
     * How long a {@link #confirm} step waits for trueup's word: far longer than a round trip, and
     * short enough that a host whose link was cut in the meantime frees its lock soon.
     */
    static final Duration CONFIRM_WAIT = Duration.ofSeconds(60);

    /** Exit code of {@code confirm} when no word to go on came: the host stopped before the switch. */
    public static final int NO_WORD = 77;

    /** Exit code of {@code verify} when the host is not as the inspection the plan came from saw it. */
    public static final int NOT_AS_SEEN = 76;

    private HostCommands() {
    }

    /**
     * One step of a host command.
     *
     * @param name the step's name: which script it runs
     * @param args the script's arguments after the base directory
     * @param mayFail whether the steps after it run even if it fails (its failure is a warning)
     */
    public record Step(String name, List<String> args, boolean mayFail) {
        public Step {
            if (!STEP_SCRIPTS.containsKey(name)) {
                throw new IllegalArgumentException("no such step: " + name);
            }
            args = List.copyOf(args);
        }

        private Step(String name, String... args) {
            this(name, List.of(args), false);
        }
    }

    /** The SSH login for {@code host} of this app/environment. */
    public static SshTarget target(AppSpec spec, HostAddress host) {
        return new SshTarget(host.name(), host.port(), spec.user());
    }

    /** Reports the base directory's state; read-only. See {@code observe.Observation}. */
    public static RemoteCommand inspect(AppSpec spec) {
        return RemoteCommand.of("inspect", INSPECT, spec.path(), spec.sha().hex());
    }

    /**
     * One command that runs {@code steps} in order on the host, under one hold of the host lock
     * when the command is given the lock's variables. The first step that fails ends it, unless
     * it {@linkplain Step#mayFail may fail}. It reports each step on stdout as it starts and ends
     * (read with {@link StepReport}); the steps' own output goes to stderr. Its name, for
     * messages and metrics, is the steps' names joined with {@code +}.
     */
    public static RemoteCommand command(AppSpec spec, List<Step> steps) {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a host command runs at least one step");
        }
        StringBuilder script = new StringBuilder(COMMON);
        Set<String> defined = new LinkedHashSet<>();
        for (Step step : steps) {
            if (defined.add(step.name())) {
                script.append("step_").append(step.name()).append("() {\n").append(STEP_SCRIPTS.get(step.name()))
                        .append("}\n");
            }
        }
        script.append(STEPS);
        // The lines below name only steps and argument positions: the arguments stay data.
        List<String> args = new ArrayList<>();
        args.add(spec.path());
        script.append("begin \"${1}\"").append(steps.get(0).name().equals("prepare") ? " make" : "").append('\n');
        for (Step step : steps) {
            script.append("step ").append(step.name()).append(step.mayFail() ? " warn" : " stop").append(" \"${1}\"");
            for (String arg : step.args()) {
                args.add(arg);
                script.append(" \"${").append(args.size()).append("}\"");
            }
            script.append('\n');
        }
        List<String> names = steps.stream().map(Step::name).toList();
        return new RemoteCommand(String.join("+", names), script.toString(), args);
    }

    /**
     * The steps a command made by {@link #command} runs, read back from its script (names and
     * whether each may fail; no arguments); empty for any other command.
     */
    public static List<Step> stepsOf(RemoteCommand command) {
        List<Step> steps = new ArrayList<>();
        for (String line : command.script().split("\n")) {
            String[] words = line.split(" ");
            if (words.length >= 3 && words[0].equals("step") && STEP_SCRIPTS.containsKey(words[1])) {
                steps.add(new Step(words[1], List.of(), words[2].equals("warn")));
            }
        }
        return steps;
    }

    /**
     * Checks that {@code repo.git} is there, that {@code current} and {@code previous} still
     * point at {@code currentLink} and {@code previousLink} (empty: missing), that {@code env}
     * is complete if {@code envComplete}, and that {@code usedAsIs} (when given) is still a
     * pristine release linked to {@code env}: what a plan made from an earlier inspection relies
     * on. Exits {@link #NOT_AS_SEEN} when not.
     */
    public static Step verify(String currentLink, String previousLink, RequirementsHash env, boolean envComplete,
            Optional<Sha> usedAsIs) {
        List<String> args = new ArrayList<>(List.of(currentLink, previousLink, env.hex(), envComplete ? "complete" : ""));
        usedAsIs.ifPresent(sha -> args.add(sha.hex()));
        return new Step("verify", args, false);
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

    public static Step release(AppSpec spec) {
        return new Step("release", spec.sha().hex(), spec.requirementsHash().hex());
    }

    public static Step buildEnv(AppSpec spec) {
        return new Step("env", spec.requirementsHash().hex(), spec.sha().hex(), spec.requirements(),
                spec.wheelhouse(), spec.python());
    }

    /** Points {@code current} at {@code sha}'s release, recording {@code now} as its switch time. */
    public static Step switchTo(Sha sha, Instant now) {
        return new Step("switch", sha.hex(), Long.toString(now.getEpochSecond()));
    }

    /** Switches back to {@code sha} after a failed deploy, with {@code previous} restored as it was. */
    public static Step switchBack(Sha sha, Optional<Sha> previous, Instant now) {
        return new Step("switch", sha.hex(), Long.toString(now.getEpochSecond()), previous.map(Sha::hex).orElse(""));
    }

    /**
     * Appends {@code line} (one JSON object) to {@code .trueup/history.log}. The history is best
     * effort: the steps after it run even if it fails.
     */
    public static Step record(String line) {
        if (line.contains("\n")) {
            throw new IllegalArgumentException("a history line is one line");
        }
        return new Step("record", List.of(line), true);
    }

    /** Removes what an interrupted step left: temporary releases, envs never completed. */
    public static Step cleanup() {
        return new Step("cleanup");
    }

    /** Runs the app's {@code restart} command (shell text from desired state) in the current release. */
    public static Step restart(String shellText) {
        return new Step("restart", shellText);
    }

    /** Runs {@code shellText} (a health command from desired state) in the current release, without the lock. */
    public static RemoteCommand health(AppSpec spec, String shellText) {
        return RemoteCommand.of("health", COMMON + RUN, spec.path(), shellText);
    }

    /** Removes old releases and envs; a failed prune does not stop the steps after it. */
    public static Step prune(List<Sha> releases, List<RequirementsHash> envs) {
        List<String> args = new ArrayList<>();
        releases.forEach(sha -> args.add(sha.hex()));
        args.add("--");
        envs.forEach(env -> args.add(env.hex()));
        return new Step("prune", args, true);
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
