package io.trueup.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.trueup.api.DemoProfile;
import io.trueup.desired.AppEnv;
import io.trueup.reconcile.Reconciler;
import io.trueup.status.AppStatus;
import io.trueup.status.StatusBoard;
import io.trueup.status.SyncStatus;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@code apps} health group says whether any app/environment needs someone. */
@QuarkusTest
@TestProfile(DemoProfile.class)
@Timeout(120)
class AppsHealthIT {

    private static final AppEnv BROKEN = new AppEnv("broken", "demo");

    @Inject
    Reconciler reconciler;

    @Inject
    StatusBoard board;

    @BeforeEach
    void deployTheDemo() {
        reconciler.runOnce();
    }

    @AfterEach
    void forgetTheBrokenApp() {
        reconciler.runOnce();
    }

    @Test
    void upWhileTheDemoAppIsSynced() {
        given().when().get("/q/health/group/apps").then()
                .statusCode(200)
                .body("status", is("UP"))
                .body("checks[0].name", is("apps"))
                .body("checks[0].data.apps", is(1))
                .body("checks[0].data.'hello/demo'", nullValue());
    }

    @Test
    void downWithTheErrorWhileAnAppEnvironmentIsHalted() {
        board.put(new AppStatus(BROKEN, Optional.empty(), SyncStatus.Halted,
                Optional.of("halted: web1: restart exited 1"), List.of(), List.of(), false, Instant.now()));

        given().when().get("/q/health/group/apps").then()
                .statusCode(503)
                .body("status", is("DOWN"))
                .body("checks[0].data.'broken/demo'", is("Halted: halted: web1: restart exited 1"));
    }

    @Test
    void theAppsGroupDoesNotMakeTrueupUnreadyNorUnhealthy() {
        board.put(new AppStatus(BROKEN, Optional.empty(), SyncStatus.Invalid, Optional.of("apps/broken/demo.yaml:3:"
                + " sha: not a SHA"), List.of(), List.of(), false, Instant.now()));

        given().when().get("/q/health/ready").then().statusCode(200);
        given().when().get("/q/health").then().statusCode(200);
    }
}
