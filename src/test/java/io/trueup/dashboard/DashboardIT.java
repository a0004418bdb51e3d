package io.trueup.dashboard;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.trueup.reconcile.Reconciler;
import io.trueup.status.StatusBoard;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The dashboard's HTML as served: a page that reloads itself and never lets status text become markup. */
@QuarkusTest
@TestProfile(DashboardProfile.class)
@Timeout(120)
class DashboardIT {

    @Inject
    Reconciler reconciler;

    @Inject
    StatusBoard board;

    @BeforeEach
    void reconcile() {
        reconciler.runOnce();
    }

    @Test
    void rootIsAnHtmlPageThatReloadsItselfAndFitsAPhone() {
        given().when().get("/").then()
                .statusCode(200)
                .contentType(startsWith("text/html"))
                .body(containsString("<meta http-equiv=\"refresh\" content=\"5\">"))
                .body(containsString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
                .body(containsString("hello"))
                .body(containsString(">Synced<"))
                .body(not(containsString("<script")));
    }

    @Test
    void statusTextIsEscapedNotRendered() {
        Hostile.putOn(board);

        given().when().get("/").then()
                .statusCode(200)
                .body(not(containsString(Hostile.ERROR)))
                .body(not(containsString(Hostile.STEP)))
                .body(not(containsString(Hostile.NOTE)))
                .body(not(containsString("<script")))
                .body(not(containsString("<img")))
                .body(containsString("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"))
                .body(containsString("&lt;b onmouseover=&quot;alert(1)&quot;&gt;switch&lt;/b&gt;"));
    }

    @Test
    void aHaltedPausedAppSaysSoAndHowToGoOn() {
        Hostile.putOn(board);

        given().when().get("/").then()
                .body(containsString(">Halted<"))
                .body(containsString(">Paused<"))
                .body(containsString("POST /api/apps/evil/prod/retry"))
                .body(containsString("POST /api/apps/evil/prod/resume"))
                .body(containsString("wrong sha"));
    }
}
