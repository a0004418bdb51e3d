package io.trueup.host;

import io.trueup.ssh.RemoteCommand.Part;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host scripts, resources next to this class, loaded once, as the {@linkplain Part parts} commands
 * run (each kept on a host by its hash; see {@code ssh.KeepingShell}); and the exit codes they define.
 */
final class Scripts {

    /** The exit codes trueup tells apart, as the scripts define them. */
    private static final String EXIT_CODES = load("exit-codes.sh");
    /** Where a release keeps its marks, for both kinds of release (cloned, unpacked). */
    private static final String MARKS = load("marks.sh");
    /** The exit codes and the functions every command that changes a host uses (common.sh). */
    static final Part COMMON = Part.of(EXIT_CODES + load("common.sh") + MARKS);
    /**
     * The inspection, {@code trueup_inspect}: the inspection's command calls it, and so does the
     * last command of a deploy after its steps ({@code steps.sh}'s {@code end}).
     */
    static final Part INSPECT = Part.of(MARKS + "trueup_inspect() {\n" + load("inspect.sh") + "}\n");
    /** What the commands of an app whose transport is archive do in place of git: sent first with each. */
    static final Part ARCHIVE = Part.of(load("archive.sh"));
    /** A user's command (a health check) run in a release: runs as it is defined. */
    static final Part RUN = Part.running(load("run.sh"));
    /**
     * The functions that run a command's steps in a row under the lock (steps.sh), after the steps
     * whose lines may wait to be said ({@link HostStep#quick}, {@link HostStep#inert}).
     */
    static final Part STEPS = Part.of("quick_steps='" + words(HostStep::quick) + "' inert_steps='"
            + words(HostStep::inert) + "'\n" + load("steps.sh"));
    /**
     * Functions that only some commands need, sent only with those, by name: what a release of an
     * app with shared paths or config does besides a clone ({@code recipe}), a hook's bounded run
     * ({@code hook}), the digests of rendered files ({@code digests}).
     */
    static final Map<String, Part> SUPPORT = Map.of("recipe", Part.of(load("recipe.sh")), "hook",
            Part.of(load("hook.sh")), "digests", Part.of(load("digests.sh")));
    /** The definition of each function a step can run ({@link HostStep#function()}), by function name. */
    private static final Map<String, Part> FUNCTIONS = Map.ofEntries(step("cleanup", load("cleanup.sh")),
            step("prepare", load("prepare.sh")), step("release", load("modules.sh") + load("release.sh")),
            step("env", load("env.sh")), step("switch", load("switch.sh")), step("run", load("run.sh")),
            step("prune", load("prune.sh")), step("record", load("record.sh")), step("verify", load("verify.sh")),
            step("confirm", load("confirm.sh")), step("gc", load("gc.sh")), step("unlock", ":\n"),
            step("stop", load("stop.sh") + load("run.sh")), step("unlink", load("unlink.sh")));

    /** Every part a command can send: what a host keeps of this version of trueup. */
    static final List<Part> ALL;

    static {
        for (HostStep step : HostStep.values()) {
            if (!FUNCTIONS.containsKey(step.function())) {
                throw new IllegalStateException("no script for step " + step);
            }
        }
        List<Part> all = new ArrayList<>(List.of(COMMON, INSPECT, ARCHIVE, RUN, STEPS));
        all.addAll(SUPPORT.values());
        all.addAll(FUNCTIONS.values());
        ALL = List.copyOf(all);
    }

    private Scripts() {
    }

    /**
     * What a command of steps sends along whenever it sends a part (kept, not run): every part
     * of this trueup's but the transport's that the app does not use ({@code transport}: the
     * parts its commands begin with). A host thus gets, the first time it gets any, the scripts of
     * every step its later commands run (verify's, prune's, gc's...), and no later command carries
     * one for its first use. About 50 kB, once a host and trueup version, or after a restart.
     */
    static List<Part> along(List<Part> transport) {
        return ALL.stream().filter(part -> part != ARCHIVE || transport.contains(ARCHIVE)).toList();
    }

    /** The definition of the function {@code step} runs, {@code step_<function>}. */
    static Part function(HostStep step) {
        return FUNCTIONS.get(step.function());
    }

    /** The words of the steps that {@code are}, each between spaces. */
    private static String words(java.util.function.Predicate<HostStep> are) {
        StringBuilder words = new StringBuilder(" ");
        for (HostStep step : HostStep.values()) {
            if (are.test(step)) {
                words.append(step.word()).append(' ');
            }
        }
        return words.toString();
    }

    private static Map.Entry<String, Part> step(String function, String body) {
        return Map.entry(function, Part.of("step_" + function + "() {\n" + body + "}\n"));
    }

    /** The value of {@code variable} in exit-codes.sh. */
    static int exitCode(String variable) {
        Matcher m = Pattern.compile("(?m)^" + variable + "=([0-9]+)\\b").matcher(EXIT_CODES);
        if (!m.find()) {
            throw new IllegalStateException("exit-codes.sh defines no " + variable);
        }
        return Integer.parseInt(m.group(1));
    }

    private static String load(String name) {
        try (InputStream in = Scripts.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("host script missing from the build: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
