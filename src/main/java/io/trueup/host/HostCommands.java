package io.trueup.host;

import io.trueup.desired.AppEnv;
import io.trueup.desired.AppSpec;
import io.trueup.desired.HostAddress;
import io.trueup.desired.ReleaseId;
import io.trueup.desired.Removal;
import io.trueup.desired.RenderedConfig;
import io.trueup.desired.RequirementsHash;
import io.trueup.desired.Sha;
import io.trueup.desired.SharedPath;
import io.trueup.desired.Transport;
import io.trueup.ssh.RemoteCommand;
import io.trueup.ssh.RemoteCommand.Part;
import io.trueup.ssh.SshTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the commands trueup runs on a host from fixed scripts (resources next to this class) and
 * validated arguments: the read-only inspection, a health command, and commands that run one or
 * more steps in a row under the host lock ({@link #command}). The scripts keep the host layout:
 *
 * <pre>
 * &lt;path&gt;/repo.git               bare repository that trueup pushes objects into (transport git)
 * &lt;path&gt;/releases/&lt;name&gt;/       one fresh local clone per release: &lt;sha&gt;, or &lt;sha&gt;-&lt;config hash&gt;;
 *                                with transport archive, the tree unpacked, its marks and manifest in
 *                                .trueup-release/ (see archive.sh)
 * &lt;path&gt;/envs/&lt;hash&gt;/           virtualenv for one requirements hash
 * &lt;path&gt;/releases/&lt;name&gt;/.venv  -&gt; ../../envs/&lt;hash&gt;
 * &lt;path&gt;/shared/&lt;p&gt;             what outlives releases; each release links &lt;p&gt; to it
 * &lt;path&gt;/current                -&gt; releases/&lt;name&gt;   (switched atomically)
 * &lt;path&gt;/previous               -&gt; the release current pointed at before
 * &lt;path&gt;/.trueup/history.log    one line per deploy; rotated to history.log.1 at {@link #HISTORY_LIMIT}
 * &lt;path&gt;/.trueup/base         marks the directory as trueup's: no command changes one without it
 * &lt;path&gt;/.trueup/gc-at          when {@link #gc} last collected repo.git (epoch seconds)
 * &lt;path&gt;/.trueup/scripts/&lt;hash&gt; the parts of trueup's commands the host keeps ({@link #SCRIPTS})
 * </pre>
 *
 * Stateless and safe to share.
 */
public final class HostCommands {

    /** What trueup answers on a command's stdin when its {@link #confirm} step starts, for it to go on. */
    public static final String GO = "go";
    /** trueup's word not to go on to the switch: any line but {@link #GO}. */
    public static final String NO = "no";

    /**
     * How long a {@link #confirm} step waits for trueup's word: far longer than a round trip, and
     * short enough that a host whose link was cut in the meantime frees its lock soon.
     */
    static final Duration CONFIRM_WAIT = Duration.ofSeconds(60);

    /**
     * Where a host keeps the parts of trueup's commands, below the base directory, each a file named
     * by its hash, so that a command sends only what the host does not keep yet.
     */
    public static final String SCRIPTS = ".trueup/scripts";

    /** The size in bytes past which a host's {@code .trueup/history.log} is rotated: 1 MiB, thousands of deploys. */
    public static final long HISTORY_LIMIT = 1024 * 1024;

    /** Exit code of {@code confirm} when no word to go on came: the host stopped before the switch. */
    public static final int NO_WORD = Scripts.exitCode("EX_NO_WORD");

    /** Exit code of a command that found the base directory locked by another controller: try later. */
    public static final int LOCKED = Scripts.exitCode("EX_LOCKED");

    /**
     * Exit code of a command that found its base directory not empty and not made by trueup (no
     * {@code .trueup/base}): it did nothing there.
     */
    public static final int NOT_OURS = Scripts.exitCode("EX_NOT_OURS");

    /** Exit code of {@code verify} when the host is not as the inspection the plan came from saw it. */
    public static final int NOT_AS_SEEN = Scripts.exitCode("EX_NOT_AS_SEEN");

    private HostCommands() {
    }

    /**
     * One step of a host command.
     *
     * @param step which step: which script it runs
     * @param args the script's arguments after the base directory
     * @param mayFail whether the steps after it run even if it fails (its failure is a warning)
     * @param input what the step reads on the command's stdin (the config rendered into a release)
     * @param support the support functions ({@link Scripts#SUPPORT}) its script calls with these arguments
     */
    public record Step(HostStep step, List<String> args, boolean mayFail, RemoteCommand.Input input,
            Set<String> support) {
        public Step {
            Objects.requireNonNull(step);
            args = List.copyOf(args);
            Objects.requireNonNull(input);
            support = Set.copyOf(support);
            if (!Scripts.SUPPORT.keySet().containsAll(support)) {
                throw new IllegalArgumentException("no such support: " + support);
            }
        }

        public Step(HostStep step, List<String> args, boolean mayFail) {
            this(step, args, mayFail, RemoteCommand.Input.NONE, Set.of());
        }

        /** A step that may fail if its kind {@linkplain HostStep#mayFailByDefault may}. */
        private Step(HostStep step, List<String> args, RemoteCommand.Input input, Set<String> support) {
            this(step, args, step.mayFailByDefault(), input, support);
        }

        private Step(HostStep step, List<String> args) {
            this(step, args, RemoteCommand.Input.NONE, Set.of());
        }

        private Step(HostStep step, String... args) {
            this(step, List.of(args));
        }

        /**
         * This step reading, after its input, the archive {@code tree} writes ({@link ArchiveFrames}):
         * the release step of an app whose transport is archive.
         */
        public Step withArchive(RemoteCommand.Source tree) {
            return new Step(step, args, mayFail, input.then(RemoteCommand.Input.streamed(ArchiveFrames.framed(tree))),
                    support);
        }

        /** The step's word ({@link HostStep#word()}): its name in the script and in the command's name. */
        public String name() {
            return step.word();
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
        List<Part> parts = new ArrayList<>(transport(spec));
        if (args.size() > 2) {
            parts.add(Scripts.SUPPORT.get("digests"));
        }
        parts.add(Scripts.INSPECT);
        return new RemoteCommand("inspect", "trueup_inspect \"$@\"\n", args)
                .withParts(kept(spec.path(), spec.id(), parts));
    }

    /**
     * {@code parts}, kept on a host in {@code <path>/.trueup/scripts} while {@code .trueup/base}
     * names app/environment {@code id} (see {@code ssh.KeepingShell}): never in another's directory.
     */
    private static RemoteCommand.Parts kept(String path, AppEnv id, List<Part> parts) {
        return kept(path, id, parts, List.of());
    }

    /** {@link #kept(String, AppEnv, List)}, with {@code along} sent too whenever a part is. */
    private static RemoteCommand.Parts kept(String path, AppEnv id, List<Part> parts, List<Part> along) {
        return new RemoteCommand.Parts(parts, Optional.of(new RemoteCommand.Keep(path + "/" + SCRIPTS,
                path + "/.trueup/base", id.toString(), along)));
    }

    /**
     * One command that runs {@code steps} in order on the host, under one hold of the host lock
     * when the command is given the lock's variables. The first step that fails ends it, unless
     * it {@linkplain Step#mayFail may fail}. It reports each step on stdout as it starts and ends
     * (read with {@link StepReport}); the steps' own output goes to stderr. Its name, for
     * messages and metrics, is the steps' names joined with {@code +}.
     */
    public static RemoteCommand command(AppSpec spec, List<Step> steps) {
        return command(spec.path(), spec.id(), transport(spec), steps, Optional.empty());
    }

    /**
     * {@link #command}, which once its steps ran (none stopped it) says on stdout what its host's base
     * directory then holds (read with {@link StepReport#seen}), as {@link #inspect} would but for the check
     * of a release (no {@code git status}): its links, releases, envs and leftovers. For a deploy's
     * last command, whose lock goes when it ends: what the next deploy, planned from it
     * ({@code Inspection.Recalled}), relies on, and verifies.
     */
    public static RemoteCommand reporting(AppSpec spec, List<Step> steps) {
        return command(spec.path(), spec.id(), transport(spec), steps, Optional.of(REPORT));
    }

    /** What a reporting command adds: inspect.sh's arguments after the base directory, and its parts. */
    private record Report(List<String> args, List<Part> parts) {
    }

    /** The report of a deploy's last command: inspect.sh without a desired release to check. */
    private static final Report REPORT = new Report(List.of(""), List.of(Scripts.INSPECT));

    /** What the parts of {@code spec}'s commands begin with for its transport: archive.sh for an archive. */
    private static List<Part> transport(AppSpec spec) {
        return spec.transport() == Transport.ARCHIVE ? List.of(Scripts.ARCHIVE) : List.of();
    }

    /**
     * The command of {@code steps} in the base directory {@code path} of app/environment {@code id},
     * its script beginning with {@code transport} (see {@link #transport}).
     */
    private static RemoteCommand command(String path, AppEnv id, List<Part> transport, List<Step> steps,
            Optional<Report> report) {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a host command runs at least one step");
        }
        Set<Part> parts = new LinkedHashSet<>(List.of(Scripts.COMMON));
        parts.addAll(transport);
        RemoteCommand.Input input = RemoteCommand.Input.NONE;
        for (Step step : steps) {
            step.support().forEach(support -> parts.add(Scripts.SUPPORT.get(support)));
            parts.add(Scripts.function(step.step()));
            input = input.then(step.input());
        }
        report.ifPresent(r -> parts.addAll(r.parts()));
        parts.add(Scripts.STEPS);
        StringBuilder script = new StringBuilder();
        // The lines below name only steps and argument positions: the arguments stay data. An
        // argument that two steps share (a SHA, a release) travels once.
        List<String> args = new ArrayList<>();
        args.add(path);
        args.add(id.toString());
        script.append("begin \"${1}\" \"${2}\"").append(steps.get(0).step() == HostStep.PREPARE ? " make" : "")
                .append('\n');
        for (Step step : steps) {
            script.append("step ").append(step.name()).append(step.mayFail() ? " warn " : " stop ")
                    .append(step.step().function());
            appendArgs(script, args, step.step() == HostStep.RECORD ? referring(step.args(), args) : step.args());
            script.append('\n');
        }
        script.append("end");
        report.ifPresent(r -> appendArgs(script, args, r.args()));
        script.append('\n');
        List<String> names = steps.stream().map(Step::name).toList();
        return new RemoteCommand(String.join("+", names), script.toString(), args).withInput(input)
                // Nothing along with prepare: it makes the mark without which nothing is kept.
                .withParts(kept(path, id, List.copyOf(parts),
                        steps.get(0).step() == HostStep.PREPARE ? List.of() : Scripts.along(transport)));
    }

    /** The shortest value a history line refers to rather than carries: a SHA, a hash. */
    private static final int REFERRED = 16;

    /**
     * A record step's arguments ({@code line}, {@code limit}) as record.sh takes them: the line as a
     * {@code printf} format in which {@code %s} stands for each value it contains of the command's
     * arguments so far {@code args} (the SHAs and hashes that the history line repeats), those values
     * following the limit, so that each travels once.
     */
    private static List<String> referring(List<String> record, List<String> args) {
        String line = record.get(0);
        List<String> values = new ArrayList<>();
        StringBuilder format = new StringBuilder();
        int at = 0;
        while (at < line.length()) {
            String found = null;
            for (String arg : args) {
                if (arg.length() >= REFERRED && line.startsWith(arg, at)
                        && (found == null || arg.length() > found.length())) {
                    found = arg;
                }
            }
            if (found != null) {
                format.append("%s");
                values.add(found);
                at += found.length();
                continue;
            }
            char c = line.charAt(at++);
            if (c == '%' || c == '\\') {
                format.append(c);
            }
            format.append(c);
        }
        List<String> referring = new ArrayList<>(List.of(format.toString(), record.get(1)));
        referring.addAll(values);
        return referring;
    }

    /**
     * Appends to {@code script} a reference to each of {@code values}, each the position of that
     * value in {@code args}, added when it is not there yet.
     */
    private static void appendArgs(StringBuilder script, List<String> args, List<String> values) {
        for (String value : values) {
            int at = args.indexOf(value);
            if (at < 0) {
                args.add(value);
                at = args.size() - 1;
            }
            script.append(" \"${").append(at + 1).append("}\"");
        }
    }

    /**
     * The steps a command made by {@link #command} runs, read back from its script (names and
     * whether each may fail; no arguments); empty for any other command.
     */
    public static List<Step> stepsOf(RemoteCommand command) {
        List<Step> steps = new ArrayList<>();
        for (String line : command.script().split("\n")) {
            String[] words = line.split(" ");
            if (words.length >= 3 && words[0].equals("step")) {
                boolean warn = words[2].equals("warn");
                HostStep.of(words[1]).ifPresent(step -> steps.add(new Step(step, List.of(), warn)));
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
        return new Step(HostStep.VERIFY, args, RemoteCommand.Input.NONE, digests ? Set.of("digests") : Set.of());
    }

    /**
     * Waits for trueup's word to go on: {@link #GO} on the command's stdin, which trueup answers
     * when it hears the step start (see {@link #confirms}). Without it (trueup's connection gone,
     * or no word within {@link #CONFIRM_WAIT}) the command ends there, so one command can make a
     * release and switch to it and yet never switch without trueup there to check the host and
     * switch it back.
     */
    public static Step confirm() {
        return new Step(HostStep.CONFIRM, Long.toString(CONFIRM_WAIT.toSeconds()));
    }

    /** Whether a command's stdout {@code line} says its {@link #confirm} step waits for the word to go on. */
    public static boolean confirms(String line) {
        return StepReport.starting(line).filter(HostStep.CONFIRM::equals).isPresent();
    }

    public static Step prepare() {
        return new Step(HostStep.PREPARE);
    }

    /** The bare repository's path, as git on the host resolves it (relative to home if relative). */
    public static String repository(AppSpec spec) {
        return spec.path() + "/repo.git";
    }

    /**
     * Makes the release {@code host} should run: a fresh clone of the commit (with transport
     * archive: the tree unpacked from the archive that follows the config on stdin, given with
     * {@link Step#withArchive}), the shared paths
     * linked in (but a file that config renders), and the config rendered for the host written
     * with its mode. The rendered files travel on the command's stdin, never on its command line.
     */
    public static Step release(AppSpec spec, HostAddress host) {
        ReleaseId release = spec.release(host);
        RenderedConfig config = spec.rendered(host);
        List<String> args = new ArrayList<>(List.of(release.name(), release.sha().hex(), spec.requirementsHash().hex()));
        if (spec.recipe().shared().isEmpty() && config.files().isEmpty()) {
            return new Step(HostStep.RELEASE, args);
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
        return new Step(HostStep.RELEASE, args, input, Set.of("recipe"));
    }

    /** Where the link at {@code path} in a release points: {@code <path>/shared/<path>}, relatively. */
    static String linkTarget(String path) {
        int depth = path.split("/").length - 1;
        return "../../" + "../".repeat(depth) + "shared/" + path;
    }

    public static Step buildEnv(AppSpec spec, HostAddress host) {
        return new Step(HostStep.ENV, spec.requirementsHash().hex(), spec.release(host).name(), spec.requirements(),
                spec.wheelhouse(), spec.python());
    }

    /**
     * Runs one of the app's hooks ({@link HostStep#hook()}), as {@link #run} runs a user's command, bounded
     * by {@code hooks.timeout}: {@code build}, {@code migrate} and {@code beforeSwitch} in the
     * release being deployed, {@code afterSwitch} in the current release.
     *
     * @param previous the SHA that was current before the deploy, if any
     */
    public static Step hook(HostStep step, String command, AppSpec spec, HostAddress host, Optional<ReleaseId> in,
            Optional<Sha> previous) {
        if (!step.hook()) {
            throw new IllegalArgumentException("not a hook: " + step);
        }
        long seconds = Math.max(1, (spec.recipe().hooks().timeout().toMillis() + 999) / 1000);
        List<String> args = new ArrayList<>(run(command, spec, host, in, Optional.of(seconds), previous));
        // What else it does (hook.sh): check the build; mark the host taken out of its load balancer, and back.
        switch (step) {
            case BUILD -> args.add("build");
            case BEFORE_SWITCH -> args.add("drain");
            case AFTER_SWITCH -> args.add("undrain");
            default -> { }
        }
        return new Step(step, args, RemoteCommand.Input.NONE, Set.of("hook"));
    }

    /** Points {@code current} at {@code release}, recording {@code now} as its switch time. */
    public static Step switchTo(ReleaseId release, Instant now) {
        return new Step(HostStep.SWITCH, release.name(), Long.toString(now.getEpochSecond()));
    }

    /** Switches back to {@code release} after a failed deploy, with {@code previous} restored as it was. */
    public static Step switchBack(ReleaseId release, Optional<ReleaseId> previous, Instant now) {
        return new Step(HostStep.SWITCH, release.name(), Long.toString(now.getEpochSecond()),
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
        return new Step(HostStep.RECORD, line, Long.toString(limit));
    }

    /**
     * Does nothing but take the host lock and free it when its command ends: the last command of
     * a deploy whose last step ran as a command that kept the lock ({@code TRUEUP_LOCK_HOLD}).
     */
    public static Step unlock() {
        return new Step(HostStep.UNLOCK);
    }

    /** Removes what an interrupted step left: temporary releases, envs never completed. */
    public static Step cleanup() {
        return new Step(HostStep.CLEANUP);
    }

    /**
     * Runs the app's {@code restart} command (shell text from desired state) in the current release.
     *
     * @param previous the SHA that was current before the deploy, if any
     */
    public static Step restart(String shellText, AppSpec spec, HostAddress host, Optional<Sha> previous) {
        return new Step(HostStep.RESTART, run(shellText, spec, host, Optional.empty(), Optional.empty(), previous));
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
        removal.stop().ifPresent(stop -> steps.add(new Step(HostStep.STOP, stop, "", "", removal.id().app(),
                removal.id().env(), removal.host().name(), "")));
        steps.add(new Step(HostStep.UNLINK));
        steps.add(record(historyLine));
        return command(removal.path(), removal.id(), List.of(), steps, Optional.empty());
    }

    /** Runs {@code shellText} (a health command from desired state) in the current release, without the lock. */
    public static RemoteCommand health(AppSpec spec, HostAddress host, String shellText) {
        List<String> args = new ArrayList<>(List.of(spec.path()));
        args.addAll(run(shellText, spec, host, Optional.empty(), Optional.empty(), Optional.empty()));
        return new RemoteCommand("health", "", args).withParts(kept(spec.path(), spec.id(), List.of(Scripts.COMMON,
                Scripts.RUN)));
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
        return new Step(HostStep.PRUNE, args);
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
     * {@link #GC_GRACE}; and removes the {@linkplain #SCRIPTS kept parts} this trueup does not send,
     * once a day old. The releases kept do not need {@code repo.git}'s objects: each is a clone
     * with hard links of its own. Best effort: a failure is a warning.
     */
    public static Step gc(Instant now) {
        List<String> args = new ArrayList<>(List.of(Long.toString(now.getEpochSecond()),
                Long.toString(GC_EVERY.toSeconds()), Long.toString(now.minus(GC_GRACE).getEpochSecond())));
        // The names of this trueup's scripts, in one argument: any other kept file is another version's.
        args.add(String.join(" ", Scripts.ALL.stream().map(Part::hash).toList()));
        return new Step(HostStep.GC, args);
    }
}
