package io.trueup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trueup.desired.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidateReportTest {

    private static final Problem SHA = new Problem("apps/hello/prod.yaml", 3, "sha", "commit x not found");
    private static final Problem SOURCE = new Problem("apps/hello/app.yaml", 1, "source", "cannot fetch");

    @Test
    void printsEachFindingThenASummaryAndFailsOnlyOnProblems() {
        List<Finding> findings = List.of(Finding.problem(SHA), Finding.warning(SOURCE));

        assertEquals(List.of(
                "apps/hello/prod.yaml:3: sha: commit x not found",
                "warning: apps/hello/app.yaml:1: source: cannot fetch",
                "validate: 2 app/environments, 1 problem, 1 warning"), ValidateReport.lines(2, findings));
        assertEquals(1, ValidateReport.exitStatus(findings));
        assertEquals(0, ValidateReport.exitStatus(List.of(Finding.warning(SOURCE))));
    }

    @Test
    void aFindingSharedByEnvironmentsOfOneAppIsPrintedAndCountedOnce() {
        List<Finding> findings = List.of(Finding.warning(SOURCE), Finding.warning(SOURCE));

        assertEquals(List.of("warning: apps/hello/app.yaml:1: source: cannot fetch",
                "validate: 3 app/environments, no problems, 1 warning"), ValidateReport.lines(3, findings));
    }

    @Test
    void aCleanCheckSaysSo() {
        assertEquals(List.of("validate: 1 app/environment, no problems"), ValidateReport.lines(1, List.of()));
    }
}
