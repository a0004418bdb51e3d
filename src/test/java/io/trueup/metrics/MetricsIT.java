package io.trueup.metrics;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.trueup.api.DemoProfile;
import io.trueup.reconcile.Reconciler;
import io.trueup.support.Promtool;
import jakarta.inject.Inject;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What Prometheus scrapes from trueup running its embedded demo, once the demo app is deployed:
 * the app, its hosts, its rollout, the fetches and the SSH steps, in a format promtool accepts.
 */
@QuarkusTest
@TestProfile(DemoProfile.class)
@Timeout(120)
class MetricsIT {

    private static final String HELLO = "app=\"hello\",env=\"demo\"";

    @Inject
    Reconciler reconciler;

    private String metrics;

    @BeforeEach
    void deployTheDemoAndScrape() {
        reconciler.runOnce();
        metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    @Test
    void theDemoAppIsReportedSyncedAndHealthyOnBothHosts() {
        assertEquals(1, value("trueup_app_info", HELLO + ",health_status=\"Healthy\",sync_status=\"Synced\""));
        assertEquals(2, value("trueup_app_hosts", HELLO + ",state=\"Synced\""));
        assertEquals(0, value("trueup_app_hosts", HELLO + ",state=\"Unreachable\""));
        assertTrue(!metrics.contains("trueup_host_drift{"), "no host has drifted:\n" + drift());
    }

    @Test
    void theDemoRolloutIsCountedAsSucceededAndTheReconcilesAreTimed() {
        assertTrue(value("trueup_rollouts_total", HELLO + ",result=\"succeeded\"") >= 1);
        assertEquals(0, value("trueup_rollouts_total", HELLO + ",result=\"halted\""));
        assertTrue(value("trueup_reconcile_duration_seconds_count", HELLO) >= 1);
        assertTrue(value("trueup_reconcile_duration_seconds_bucket", HELLO + ",le=\"+Inf\"") >= 1);
    }

    @Test
    void fetchesOfDesiredStateAreTimedAndTheLastSuccessIsRecent() {
        assertTrue(value("trueup_desired_state_fetch_seconds_count", "result=\"success\"") >= 1);
        double last = value("trueup_desired_state_last_success_timestamp_seconds", "");
        assertTrue(System.currentTimeMillis() / 1000.0 - last < 120, "last success " + last);
    }

    @Test
    void sshCommandsAreTimedByStepNotByHost() {
        assertTrue(value("trueup_ssh_command_seconds_count", "outcome=\"success\",step=\"inspect\"") >= 2);
        assertTrue(value("trueup_ssh_command_seconds_count",
                "outcome=\"success\",step=\"release+env+confirm+switch+restart\"") >= 2,
                "a command's steps, joined with +");
        assertTrue(value("trueup_ssh_command_seconds_count",
                "outcome=\"success\",step=\"git-receive-pack\"") >= 2, "the pushes of git objects");
        assertTrue(metrics.lines().filter(l -> l.startsWith("trueup_ssh_command_seconds"))
                .noneMatch(l -> l.contains("host=")));
    }

    @Test
    void theWholeScrapePassesPromtoolCheckMetrics() {
        Promtool.Result result = Promtool.run(metrics, "check", "metrics");

        assertEquals(0, result.exitCode(), "promtool check metrics:\n" + result.output() + "\non:\n" + metrics);
    }

    /** The value of the one series {@code name{labels}} (labels in the order Micrometer sorts them). */
    private double value(String name, String labels) {
        String series = labels.isEmpty() ? name : name + "{" + labels + ",?}";
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + (labels.isEmpty() ? "" : "\\{"
                + Pattern.quote(labels) + ",?\\}") + " (\\S+)$").matcher(metrics);
        assertTrue(m.find(), "no series " + series + " in:\n" + metrics.lines()
                .filter(l -> l.startsWith(name)).reduce("", (a, b) -> a + b + "\n"));
        return Double.parseDouble(m.group(1));
    }

    private String drift() {
        return metrics.lines().filter(l -> l.startsWith("trueup_host_drift")).reduce("", (a, b) -> a + b + "\n");
    }
}
