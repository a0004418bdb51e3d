package io.trueup.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The host scripts, resources next to this class, loaded once; and the exit codes they define. */
final class Scripts {

    /** The exit codes trueup tells apart, as the scripts define them. */
    private static final String EXIT_CODES = load("exit-codes.sh");
    /** Where a release keeps its marks, for both kinds of release (cloned, unpacked). */
    private static final String MARKS = load("marks.sh");
    static final String COMMON = EXIT_CODES + load("common.sh") + MARKS;
    static final String INSPECT = MARKS + load("inspect.sh");
    /** What the commands of an app whose transport is archive do in place of git: sent first with each. */
    static final String ARCHIVE = load("archive.sh");
    static final String RUN = load("run.sh");
    static final String STEPS = load("steps.sh");
    /**
     * Functions that only some commands need, sent only with those, by name: what a release of an
     * app with shared paths or config does besides a clone ({@code recipe}), a hook's bounded run
     * ({@code hook}), the digests of rendered files ({@code digests}).
     */
    static final Map<String, String> SUPPORT = Map.of("recipe", load("recipe.sh"), "hook", load("hook.sh"),
            "digests", load("digests.sh"));
    /** The script of each function a step can run ({@link HostStep#function()}), by function name. */
    private static final Map<String, String> FUNCTIONS = Map.ofEntries(Map.entry("cleanup", load("cleanup.sh")),
            Map.entry("prepare", load("prepare.sh")), Map.entry("release", load("modules.sh") + load("release.sh")),
            Map.entry("env", load("env.sh")), Map.entry("switch", load("switch.sh")), Map.entry("run", RUN),
            Map.entry("prune", load("prune.sh")), Map.entry("record", load("record.sh")),
            Map.entry("verify", load("verify.sh")), Map.entry("confirm", load("confirm.sh")),
            Map.entry("gc", load("gc.sh")), Map.entry("unlock", ":\n"),
            Map.entry("stop", load("stop.sh") + RUN), Map.entry("unlink", load("unlink.sh")));

    static {
        for (HostStep step : HostStep.values()) {
            if (!FUNCTIONS.containsKey(step.function())) {
                throw new IllegalStateException("no script for step " + step);
            }
        }
    }

    private Scripts() {
    }

    /** The script of the function {@code step} runs. */
    static String function(HostStep step) {
        return FUNCTIONS.get(step.function());
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
