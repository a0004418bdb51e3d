package io.trueup.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.trueup.reconcile.Reconciler;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An operator's actions, guarded by the bearer token, and the rollout history. */
@QuarkusTest
@TestProfile(TokenProfile.class)
@Timeout(120)
class ControlApiIT {

    @Inject
    Reconciler reconciler;

    @BeforeEach
    void reconcile() {
        reconciler.runOnce();
    }

    @Test
    void actionsNeedTheBearerToken() {
        given().when().post("/api/apps/hello/demo/pause").then().statusCode(401);
        given().header("Authorization", "Bearer wrong").when().post("/api/apps/hello/demo/pause").then()
                .statusCode(401);
    }

    @Test
    void pauseAndResumeShowInTheStatus() {
        given().header("Authorization", "Bearer " + TokenProfile.TOKEN).when().post("/api/apps/hello/demo/pause")
                .then().statusCode(202).body("action", is("pause"));
        given().when().get("/api/apps/hello/demo").then().body("paused", is(true));

        given().header("Authorization", "Bearer " + TokenProfile.TOKEN).when().post("/api/apps/hello/demo/resume")
                .then().statusCode(202);
        given().when().get("/api/apps/hello/demo").then().body("paused", is(false));
    }

    @Test
    void retryOfAnUnknownAppIsNotFound() {
        given().header("Authorization", "Bearer " + TokenProfile.TOKEN).when().post("/api/apps/nope/demo/retry")
                .then().statusCode(404);
    }

    @Test
    void undeployNeedsTheBearerTokenAndIsNotFoundWhileNoHostLeftDesiredState() {
        given().when().post("/api/apps/hello/demo/undeploy").then().statusCode(401);

        given().header("Authorization", "Bearer " + TokenProfile.TOKEN).when().post("/api/apps/hello/demo/undeploy")
                .then().statusCode(404).body("error", is("nothing to undeploy: no host of hello/demo left desired state"));
        given().when().get("/api/apps/hello/demo").then().statusCode(200).body("status", is("Synced"));
    }

    @Test
    void historyListsTheFirstRolloutWithItsHosts() {
        given().when().get("/api/apps/hello/demo/history").then()
                .statusCode(200)
                .body("[-1].revision", matchesPattern("[0-9a-f]{40}"))
                .body("[-1].result", is("succeeded"))
                .body("[-1].hosts", hasSize(2));
    }
}
