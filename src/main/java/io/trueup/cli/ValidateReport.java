package io.trueup.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The text of a validation: each finding on its line, then a summary line. A finding that
 * several environments share (a problem in {@code app.yaml}) is printed and counted once. Pure.
 */
final class ValidateReport {

    private ValidateReport() {
    }

    /** The report on {@code environments} app/environments that yielded {@code findings}. */
    static List<String> lines(int environments, List<Finding> all) {
        List<Finding> findings = all.stream().distinct().toList();
        List<String> lines = new ArrayList<>();
        findings.forEach(f -> lines.add(f.toString()));
        long warnings = findings.stream().filter(Finding::warning).count();
        long problems = findings.size() - warnings;
        String summary = "validate: " + Words.count(environments, "app/environment") + ", "
                + (problems == 0 ? "no problems" : Words.count(problems, "problem"));
        lines.add(warnings == 0 ? summary : summary + ", " + Words.count(warnings, "warning"));
        return lines;
    }

    /** 0 when no finding is a problem, else 1. */
    static int exitStatus(List<Finding> findings) {
        return findings.stream().allMatch(Finding::warning) ? 0 : 1;
    }
}
