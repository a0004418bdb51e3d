package io.trueup.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.trueup.reconcile.Reconciler;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The service as a user runs it on its embedded default: the demo hosts get the demo app,
 * and the status, health and metrics endpoints tell the truth about it.
 *
 * <p>Run by failsafe, in a JVM of its own: the Quarkus class loader registers Bouncy Castle as
 * a security provider, which plain tests in the same JVM would then meet from another loader.
 */
@QuarkusTest
@TestProfile(DemoProfile.class)
@Timeout(120)
class StatusApiIT {

    @Inject
    Reconciler reconciler;

    @BeforeEach
    void reconcile() {
        reconciler.runOnce();
    }

    @Test
    void statusShowsTheDemoAppSyncedOnEveryHost() {
        given().when().get("/api/status").then()
                .statusCode(200)
                .body("desiredState.revision", matchesPattern("[0-9a-f]{40}"))
                .body("desiredState.fetchedAt", notNullValue())
                .body("apps", hasSize(1))
                .body("apps[0].app", is("hello"))
                .body("apps[0].env", is("demo"))
                .body("apps[0].status", is("Synced"))
                .body("apps[0].hosts", hasSize(2))
                .body("apps[0].hosts.state", everyItem(is("Synced")))
                .body("apps[0].hosts.host", everyItem(matchesPattern("127\\.0\\.0\\.1:[0-9]+")));
    }

    @Test
    void oneAppEnvironmentHasItsOwnResource() {
        String sha = given().get("/api/status").then().extract().path("apps[0].sha");
        given().when().get("/api/apps/hello/demo").then()
                .statusCode(200)
                .body("sha", is(sha))
                .body("hosts.sha", everyItem(is(sha)));
    }

    @Test
    void anUnknownAppEnvironmentIsNotFound() {
        given().when().get("/api/apps/nope/demo").then().statusCode(404);
        given().when().get("/api/apps/..%2Fetc/demo").then().statusCode(404);
    }

    @Test
    void readyOnceDesiredStateWasFetched() {
        given().when().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", is("UP"))
                .body("checks.find { it.name == 'desired-state' }.status", is("UP"))
                // Quarkus's datasource check is built in, and with no database configured it
                // has no datasource to check: it says UP, with nothing else.
                .body("checks.find { it.name == 'Database connections health check' }.status", is("UP"));
        given().when().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void metricsAreServedForPrometheus() {
        given().when().get("/q/metrics").then()
                .statusCode(200)
                .body(containsString("trueup_hosts{state=\"Synced\",} 2.0"))
                .body(containsString("trueup_apps{status=\"Synced\",} 1.0"))
                .body(containsString("trueup_desired_state_last_success_timestamp_seconds "));
    }

    @Test
    void actionsAreDisabledWithoutAToken() {
        given().when().post("/api/apps/hello/demo/retry").then().statusCode(403)
                .body("error", containsString("trueup.api.token"));
    }
}
