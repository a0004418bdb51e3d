package io.trueup.host;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A step that a host command ({@link HostCommands#command}) can run: the word the scripts and the
 * progress lines name it by ({@link #word()}), the script function it runs, and what kind of step
 * it is. The words are part of what users see (command names such as
 * {@code release+confirm+switch+restart+record}, a host's step in its status and history).
 */
public enum HostStep {
    CLEANUP("cleanup", "cleanup", Kind.DEPLOY),
    PREPARE("prepare", "prepare", Kind.DEPLOY),
    VERIFY("verify", "verify", Kind.DEPLOY),
    RELEASE("release", "release", Kind.DEPLOY),
    ENV("env", "env", Kind.DEPLOY),
    BUILD("build", "run", Kind.HOOK),
    MIGRATE("migrate", "run", Kind.HOOK),
    BEFORE_SWITCH("beforeSwitch", "run", Kind.HOOK),
    /** Waits for trueup's word to go on before a switch. */
    CONFIRM("confirm", "confirm", Kind.OTHER),
    SWITCH("switch", "switch", Kind.DEPLOY),
    RESTART("restart", "run", Kind.DEPLOY),
    AFTER_SWITCH("afterSwitch", "run", Kind.HOOK),
    PRUNE("prune", "prune", Kind.UPKEEP),
    /** Appends a line to the host's history. */
    RECORD("record", "record", Kind.OTHER_MAY_FAIL),
    /** Collects the host's {@code repo.git}. */
    GC("gc", "gc", Kind.OTHER_MAY_FAIL),
    /** Takes the host lock and frees it. */
    UNLOCK("unlock", "unlock", Kind.OTHER),
    STOP("stop", "stop", Kind.OTHER),
    UNLINK("unlink", "unlink", Kind.OTHER);

    /** What a step is to a deploy: one of its own (a hook, one whose failure is a warning), or not. */
    private enum Kind {
        DEPLOY, HOOK, UPKEEP, OTHER, OTHER_MAY_FAIL
    }

    private static final Map<String, HostStep> BY_WORD = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(HostStep::word, Function.identity()));

    private final String word;
    private final String function;
    private final Kind kind;

    HostStep(String word, String function, Kind kind) {
        this.word = word;
        this.function = function;
        this.kind = kind;
    }

    /** The step's name in the scripts, in progress lines, command names, status and history. */
    public String word() {
        return word;
    }

    /** The script function it runs ({@code step_<function>}): a user's command runs through {@code run}. */
    String function() {
        return function;
    }

    /** Whether it runs one of the app's hooks, which {@code hooks.timeout} bounds. */
    public boolean hook() {
        return kind == Kind.HOOK;
    }

    /**
     * Whether it is a step of a deploy, which the deploy's outcome lists: not the history line,
     * the wait for the word to switch, freeing the lock, the collection of {@code repo.git}, nor
     * an undeploy's steps.
     */
    public boolean ofADeploy() {
        return kind == Kind.DEPLOY || kind == Kind.HOOK || kind == Kind.UPKEEP;
    }

    /** Whether, unless said otherwise, the steps after it run even if it fails (its failure a warning). */
    public boolean mayFailByDefault() {
        return kind == Kind.UPKEEP || kind == Kind.OTHER_MAY_FAIL;
    }

    /** The step named {@code word}, if there is one. */
    public static Optional<HostStep> of(String word) {
        return Optional.ofNullable(BY_WORD.get(word));
    }

    @Override
    public String toString() {
        return word;
    }
}
