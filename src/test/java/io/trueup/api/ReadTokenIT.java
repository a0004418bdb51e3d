package io.trueup.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.trueup.desired.AppEnv;
import io.trueup.reconcile.Reconciler;
import io.trueup.status.AppStatus;
import io.trueup.status.StatusBoard;
import io.trueup.status.SyncStatus;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With {@code trueup.api.read-token} set, the dashboard and the API tell nothing to a caller
 * without it, and all to one with it or with a session from the login form; webhooks and health
 * stay open, metrics need their own token, actions their own.
 */
@QuarkusTest
@TestProfile(ReadTokenProfile.class)
@Timeout(120)
class ReadTokenIT {

    private static final String READ = "Bearer " + ReadTokenProfile.READ_TOKEN;

    @Inject
    Reconciler reconciler;

    @Inject
    StatusBoard board;

    @BeforeEach
    void reconcile() {
        reconciler.runOnce();
    }

    @Test
    void theApiNeedsTheReadToken() {
        given().get("/api/status").then().statusCode(401).header("WWW-Authenticate", "Bearer")
                .body(not(containsString("hello")));
        given().get("/api/apps/hello/demo").then().statusCode(401);
        given().get("/api/apps/hello/demo/history").then().statusCode(401);
        given().header("Authorization", "Bearer wrong").get("/api/status").then().statusCode(401);

        given().header("Authorization", READ).get("/api/status").then().statusCode(200)
                .body("apps[0].app", is("hello"));
        given().header("Authorization", READ).get("/api/apps/hello/demo/history").then().statusCode(200);
    }

    @Test
    void theDashboardSendsAStrangerToTheLoginForm() {
        given().redirects().follow(false).get("/").then().statusCode(302).header("Location", endsWith("/login"));
        given().get("/login").then().statusCode(200).body(containsString("name=\"j_password\""))
                .body(not(containsString("hello-demo")));
    }

    @Test
    void aLoginWithTheReadTokenOpensTheDashboardAndTheApi() {
        Response login = given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("j_username", "dashboard").formParam("j_password", ReadTokenProfile.READ_TOKEN)
                .post("/j_security_check");
        assertEquals(302, login.statusCode(), login.asString());
        String session = login.cookie("quarkus-credential");

        given().cookie("quarkus-credential", session).get("/").then().statusCode(200)
                .body(containsString("id=\"hello-demo\"")).body(containsString(">Synced<"));
        given().cookie("quarkus-credential", session).get("/api/status").then().statusCode(200)
                .body("apps[0].app", is("hello"));
    }

    @Test
    void aLoginWithAWrongTokenGetsNoSession() {
        Response login = given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("j_username", "dashboard").formParam("j_password", "guess")
                .post("/j_security_check");

        login.then().statusCode(302).header("Location", endsWith("/login/failed"));
        assertNull(login.cookie("quarkus-credential"));
    }

    @Test
    void actionsNeedTheActionsTokenNotTheReadToken() {
        given().post("/api/apps/hello/demo/pause").then().statusCode(401);
        given().header("Authorization", READ).post("/api/apps/hello/demo/pause").then().statusCode(401);
        given().header("Authorization", "Bearer " + ReadTokenProfile.ACTION_TOKEN)
                .post("/api/apps/hello/demo/resume").then().statusCode(202);
        given().header("Authorization", "Bearer " + ReadTokenProfile.ACTION_TOKEN).get("/api/status").then()
                .statusCode(200);
    }

    @Test
    void webhooksKeepTheirOwnSignatureAndHealthStaysOpen() {
        given().body("{}").post("/api/webhooks/generic").then().statusCode(403)
                .body("error", containsString("trueup.webhook.secret"));
        given().header("Authorization", "Bearer not-ours").body("{}").post("/api/webhooks/generic").then()
                .statusCode(403);
        given().get("/q/health/ready").then().statusCode(200);
        given().header("Authorization", "Bearer not-ours").get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void openHealthTellsOnlyStatusesWhileReadsNeedTheToken() {
        AppEnv broken = new AppEnv("broken", "demo");
        board.put(new AppStatus(broken, Optional.empty(), SyncStatus.Halted,
                Optional.of("halted: web1: restart exited 1 in /srv/broken"), List.of(), List.of(), false,
                Instant.now()));
        try {
            given().get("/q/health/group/apps").then().statusCode(503)
                    .body("checks[0].data.'broken/demo'", is("Halted"))
                    .body(not(containsString("/srv/broken")));
            given().get("/q/health/ready").then().statusCode(200).body(not(containsString("revision")));
        } finally {
            board.forget(broken);
        }
    }

    @Test
    void metricsNeedTheMetricsToken() {
        given().get("/q/metrics").then().statusCode(401);
        given().header("Authorization", READ).get("/q/metrics").then().statusCode(403);
        given().header("Authorization", "Bearer " + ReadTokenProfile.METRICS_TOKEN).get("/q/metrics").then()
                .statusCode(200).body(containsString("trueup_apps{status=\"Synced\",} 1.0"));
    }

    @Test
    void htmlPagesForbidScriptsFramingAndSniffing() {
        for (Response page : new Response[] {given().get("/login"),
                given().header("Authorization", READ).get("/")}) {
            page.then().statusCode(200)
                    .header("Content-Security-Policy", containsString("default-src 'none'"))
                    .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                    .header("X-Frame-Options", "DENY")
                    .header("X-Content-Type-Options", "nosniff");
        }
    }

    @Test
    void theSessionKeyQuarkusMakesIsNotLogged() {
        assertFalse(java.util.logging.Logger.getLogger(
                "io.quarkus.vertx.http.runtime.security.FormAuthenticationMechanism").isLoggable(Level.WARNING),
                "Quarkus logs the temporary key of the login cookie at WARN");
    }

    @Test
    void theStateDirectoryTrueupMadeIsPrivate() throws IOException {
        assertEquals("rwx------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(ReadTokenProfile.STATE_DIR)));
    }
}
