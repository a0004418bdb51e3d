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

    /**
     * Whether its start line may wait to be said with the next line of its command (steps.sh):
     * a step that takes no time to speak of and neither runs a user's command nor waits for trueup,
     * so that saying it at once would cost a packet and tell trueup little. It waits only while what
     * waits with it is the end of {@linkplain #inert inert} steps: a command cut off meanwhile is
     * blamed on an earlier step, and trueup never misses the end of a step that changed something.
     * Not {@code switch}: the write of its start is what ends a command whose trueup is gone
     * (SIGPIPE) before it switches the host, with no one left to check its health.
     */
    public boolean quick() {
        return switch (this) {
            case PREPARE, VERIFY, RECORD, UNLOCK -> true;
            default -> false;
        };
    }

    /**
     * Whether it changes nothing on the host that trueup acts on when it has ended (a check, the
     * wait for trueup's word): its end line may wait while a {@linkplain #quick quick} step runs.
     */
    public boolean inert() {
        return this == VERIFY || this == CONFIRM;
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
