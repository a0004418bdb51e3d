package io.trueup.cluster;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.trueup.reconcile.Reconciler;
import io.trueup.support.Fleet;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The service as one replica on PostgreSQL, wired from configuration alone: Flyway makes the
 * schema, clustered Quartz runs the reconcile, the status and actions go through the database,
 * the metrics carry the replica, and readiness follows the database.
 */
@QuarkusTest
@TestProfile(ReplicaProfile.class)
@Timeout(240)
class ReplicaModeIT {

    @Inject
    Reconciler reconciler;

    private static String status() {
        return given().when().get("/api/apps/hello/demo").then().extract().path("status");
    }

    @Test
    void aReplicaReconcilesThroughTheDatabaseAndIsReadyOnlyWithIt() throws Exception {
        reconciler.startOnce(); // the poll, off in tests: fetches, and has the demo's job fired
        assertTrue(Fleet.within(Duration.ofSeconds(150), () -> given().when().get("/api/apps/hello/demo")
                .statusCode() == 200 && "Synced".equals(status())), () -> given().get("/api/status").asString());

        // What the replica wrote is in the database, where any replica reads it.
        var db = ReplicaProfile.Database.server;
        assertTrue(db.queryOne("SELECT status->>'status' FROM trueup_app_status WHERE app_env = 'hello/demo'")
                .orElse("").contains("Synced"));
        assertEquals(Optional.of("1"), db.queryOne("SELECT count(*) FROM qrtz_job_details WHERE job_name = 'hello/demo'"),
                "one reconcile job for the app/environment");
        assertEquals(Optional.of("1"), db.queryOne("SELECT count(*) FROM trueup_history WHERE app_env = 'hello/demo'"));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("replica=\"" + ReplicaProfile.REPLICA + "\""));
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("Database connections health check"));

        // An action goes to the database: the replica that runs the app/environment next reads it.
        given().header("Authorization", "Bearer " + ReplicaProfile.TOKEN).when().post("/api/apps/hello/demo/pause").then().statusCode(202);
        assertEquals(Optional.of("true"), db.queryOne("SELECT paused::text FROM trueup_control WHERE app_env = 'hello/demo'"));
        given().when().get("/api/apps/hello/demo").then().body("paused", is(true));
        given().header("Authorization", "Bearer " + ReplicaProfile.TOKEN).when().post("/api/apps/hello/demo/resume").then().statusCode(202);

        // Without the database: not ready, and the status says why instead of a bare error.
        db.stop();
        try {
            given().when().get("/q/health/ready").then().statusCode(503);
            given().when().get("/api/status").then().statusCode(503).body("error", containsString("PostgreSQL"));
        } finally {
            db.start();
        }
        assertTrue(Fleet.within(Duration.ofSeconds(30), () -> given().when().get("/q/health/ready").statusCode() == 200),
                "ready again once the database is back");
        given().when().get("/api/apps/hello/demo").then().statusCode(200).body("paused", is(false));
    }
}
