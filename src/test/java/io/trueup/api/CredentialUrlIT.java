package io.trueup.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.trueup.reconcile.Reconciler;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A token in {@code trueup.desired-state.url} is shown nowhere: not in {@code /api/status}, not
 * on the dashboard, not in the line logged at each failed poll.
 */
@QuarkusTest
@TestProfile(CredentialUrlProfile.class)
@Timeout(120)
class CredentialUrlIT {

    private static final String SHOWN = "http://deploy:\\*\\*\\*@127\\.0\\.0\\.1:[0-9]+/acme/desired-state\\.git";

    @Inject
    Reconciler reconciler;

    private final List<String> logged = new CopyOnWriteArrayList<>();

    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void pollOnce() {
        Logger.getLogger("io.trueup").addHandler(capture);
        reconciler.runOnce();
    }

    @AfterEach
    void stopCapture() {
        Logger.getLogger("io.trueup").removeHandler(capture);
    }

    @Test
    void statusShowsTheUrlWithoutItsToken() {
        given().when().get("/api/status").then()
                .statusCode(200)
                .body("desiredState.url", matchesPattern(SHOWN))
                .body("desiredState.error", notNullValue())
                .body(not(containsString(CredentialUrlProfile.TOKEN)));
    }

    @Test
    void dashboardShowsTheUrlWithoutItsToken() {
        given().when().get("/").then()
                .statusCode(200)
                .body(containsString("deploy:***@127.0.0.1"))
                .body(not(containsString(CredentialUrlProfile.TOKEN)));
    }

    @Test
    void theFailedFetchIsLoggedWithoutTheToken() {
        String fetch = logged.stream().filter(l -> l.contains("cannot fetch")).findFirst().orElse(null);
        assertTrue(fetch != null, "a failed fetch is logged: " + logged);
        assertTrue(fetch.matches("(?s).*" + SHOWN + ".*"), fetch);
        assertFalse(logged.stream().anyMatch(l -> l.contains(CredentialUrlProfile.TOKEN)), String.join("\n", logged));
    }
}
