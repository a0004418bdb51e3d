package io.trueup.host;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a host command of steps ({@link HostCommands#command}) said on stdout about its steps,
 * one line per event, as {@code steps.sh} writes them. The one place that reads those lines:
 * lines of any other shape, or naming no {@link HostStep}, are ignored.
 *
 * @param started the steps that began, in order
 * @param done the steps that succeeded, in order
 * @param warned the steps that failed but were allowed to, with their exit codes
 * @param failed the step that failed and ended the command, if one did
 * @param seen what a {@linkplain HostCommands#reporting reporting} command said its host holds
 *     after its steps (the lines after {@link #SEEN}, for {@code observe.ObservationParser}); empty
 *     when it did not get that far, or does not report
 */
public record StepReport(List<HostStep> started, List<HostStep> done, Map<HostStep, Integer> warned,
        Optional<HostStep> failed, Optional<String> seen) {

    /** The line after which a reporting command says what its host holds. */
    public static final String SEEN = "seen";
    private static final java.util.regex.Pattern SEEN_LINE = java.util.regex.Pattern.compile("(?m)^" + SEEN + "\n");

    public StepReport {
        started = List.copyOf(started);
        done = List.copyOf(done);
        warned = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(warned));
    }

    /** Reads a command's stdout. */
    public static StepReport parse(String stdout) {
        java.util.regex.Matcher report = SEEN_LINE.matcher(stdout);
        Optional<String> seen = Optional.empty();
        if (report.find()) {
            seen = Optional.of(stdout.substring(report.end()));
            stdout = stdout.substring(0, report.start());
        }
        List<HostStep> started = new ArrayList<>();
        List<HostStep> done = new ArrayList<>();
        Map<HostStep, Integer> warned = new LinkedHashMap<>();
        Optional<HostStep> failed = Optional.empty();
        for (String line : stdout.split("\n")) {
            String[] words = line.split(" ");
            Optional<HostStep> step = words.length >= 2 ? HostStep.of(words[1]) : Optional.empty();
            if (step.isEmpty()) {
                continue;
            }
            switch (words[0]) {
                case "start" -> { if (words.length == 2) started.add(step.get()); }
                case "done" -> { if (words.length == 2) done.add(step.get()); }
                case "warned" -> { if (words.length == 3 && words[2].matches("[0-9]{1,3}")) warned.put(step.get(), Integer.parseInt(words[2])); }
                case "failed" -> { if (words.length == 3) failed = step; }
                default -> { }
            }
        }
        return new StepReport(started, done, warned, failed, seen);
    }

    /** The step a stdout line says is beginning, if it is such a line. */
    public static Optional<HostStep> starting(String line) {
        return line.startsWith("start ") && line.indexOf(' ', 6) < 0 ? HostStep.of(line.substring(6))
                : Optional.empty();
    }

    /** The step a stdout line says succeeded, if it is such a line. */
    public static Optional<HostStep> finishing(String line) {
        return line.startsWith("done ") && line.indexOf(' ', 5) < 0 ? HostStep.of(line.substring(5))
                : Optional.empty();
    }

    /**
     * The step to blame when the command did not succeed: the one it says failed, else the one
     * that began and never ended (the command was cut off or timed out), else {@code first} (the
     * command ended before any step, e.g. on a busy lock).
     */
    public HostStep blame(HostStep first) {
        if (failed.isPresent()) {
            return failed.get();
        }
        for (HostStep step : started) {
            if (!done.contains(step) && !warned.containsKey(step)) {
                return step;
            }
        }
        return first;
    }

    /** The lines {@code steps.sh} writes for a step: its start, and how it ended (exit code). */
    public static String lines(HostStep step, int code, boolean mayFail) {
        return "start " + step.word() + "\n" + (code == 0 ? "done " + step.word()
                : (mayFail ? "warned " : "failed ") + step.word() + " " + code) + "\n";
    }
}
