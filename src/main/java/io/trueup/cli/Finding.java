package io.trueup.cli;

import io.trueup.desired.Problem;

/**
 * One line of a validation report: a problem, which fails the check, or a warning, which does
 * not (a source that could not be reached to check against).
 */
record Finding(Problem problem, boolean warning) {

    static Finding problem(Problem problem) {
        return new Finding(problem, false);
    }

    static Finding warning(Problem problem) {
        return new Finding(problem, true);
    }

    @Override
    public String toString() {
        return warning ? "warning: " + problem : problem.toString();
    }
}
