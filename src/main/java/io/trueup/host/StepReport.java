package io.trueup.host;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a host command of steps ({@link HostCommands#command}) said on stdout about its steps,
 * one line per event, as {@code steps.sh} writes them. Lines of any other shape are ignored.
 *
 * @param started the steps that began, in order
 * @param done the steps that succeeded, in order
 * @param warned the steps that failed but were allowed to, with their exit codes
 * @param failed the step that failed and ended the command, if one did
 */
public record StepReport(List<String> started, List<String> done, Map<String, Integer> warned,
        Optional<String> failed) {

    public StepReport {
        started = List.copyOf(started);
        done = List.copyOf(done);
        warned = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(warned));
    }

    /** Reads a command's stdout. */
    public static StepReport parse(String stdout) {
        List<String> started = new ArrayList<>();
        List<String> done = new ArrayList<>();
        Map<String, Integer> warned = new LinkedHashMap<>();
        Optional<String> failed = Optional.empty();
        for (String line : stdout.split("\n")) {
            String[] words = line.split(" ");
            switch (words[0]) {
                case "start" -> { if (words.length == 2) started.add(words[1]); }
                case "done" -> { if (words.length == 2) done.add(words[1]); }
                case "warned" -> { if (words.length == 3 && words[2].matches("[0-9]{1,3}")) warned.put(words[1], Integer.parseInt(words[2])); }
                case "failed" -> { if (words.length == 3) failed = Optional.of(words[1]); }
                default -> { }
            }
        }
        return new StepReport(started, done, warned, failed);
    }

    /** The step a stdout line says is beginning, if it is such a line. */
    public static Optional<String> starting(String line) {
        return line.startsWith("start ") && line.indexOf(' ', 6) < 0 ? Optional.of(line.substring(6))
                : Optional.empty();
    }

    /** The step a stdout line says succeeded, if it is such a line. */
    public static Optional<String> finishing(String line) {
        return line.startsWith("done ") && line.indexOf(' ', 5) < 0 ? Optional.of(line.substring(5))
                : Optional.empty();
    }

    /**
     * The step to blame when the command did not succeed: the one it says failed, else the one
     * that began and never ended (the command was cut off or timed out), else {@code first} (the
     * command ended before any step, e.g. on a busy lock).
     */
    public String blame(String first) {
        if (failed.isPresent()) {
            return failed.get();
        }
        for (String step : started) {
            if (!done.contains(step) && !warned.containsKey(step)) {
                return step;
            }
        }
        return first;
    }

    /** The lines {@code steps.sh} writes for a step: its start, and how it ended (exit code). */
    public static String lines(String step, int code, boolean mayFail) {
        return "start " + step + "\n" + (code == 0 ? "done " + step
                : (mayFail ? "warned " : "failed ") + step + " " + code) + "\n";
    }
}
