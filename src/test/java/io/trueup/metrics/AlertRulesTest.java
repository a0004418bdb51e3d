package io.trueup.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trueup.support.Promtool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example alert rules in {@code deploy/} load in Prometheus and fire when they should. */
class AlertRulesTest {

    private static final Path RULES = Path.of("deploy/prometheus-alerts.yml");

    @Test
    void exampleAlertRulesAreValidPrometheusRules() {
        Promtool.Result result = Promtool.run("", "check", "rules", RULES.toString());

        assertEquals(0, result.exitCode(), result.output());
    }

    @Test
    void eachAlertFiresOnTheSeriesTrueupServesOnlyAfterItsDelay(@TempDir Path dir) throws IOException {
        Files.copy(RULES, dir.resolve("prometheus-alerts.yml"));
        Path tests = dir.resolve("prometheus-alerts-test.yml");
        try (InputStream in = getClass().getResourceAsStream("prometheus-alerts-test.yml")) {
            Files.copy(in, tests);
        }

        Promtool.Result result = Promtool.run("", "test", "rules", tests.toString());

        assertEquals(0, result.exitCode(), result.output());
    }
}
