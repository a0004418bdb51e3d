package io.trueup.dashboard;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.trueup.api.ReadTokenProfile;
import io.trueup.reconcile.Reconciler;
import jakarta.inject.Inject;
import java.net.URL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With a read token set, a person in a real Chromium is sent to the login form, types the token,
 * and then sees the dashboard with the demo app's status; a wrong token shows no status.
 */
@QuarkusTest
@TestProfile(ReadTokenProfile.class)
@Timeout(180)
class DashboardLoginBrowserIT {

    @Inject
    Reconciler reconciler;

    @TestHTTPResource("/")
    URL dashboard;

    @BeforeEach
    void reconcile() {
        reconciler.runOnce();
    }

    @Test
    void aPersonLogsInWithTheReadTokenAndSeesTheStatus() throws Exception {
        try (BrowserSession browser = new BrowserSession()) {
            browser.open(dashboard.toString());
            assertEquals("/login", browser.eval("location.pathname"), "a stranger is sent to the login form");
            assertFalse(browser.eval("document.body.innerText").contains("hello / demo"));

            browser.eval("document.getElementById('token').value = '" + ReadTokenProfile.READ_TOKEN + "';"
                    + " document.querySelector('form').submit(); 'sent'");
            browser.waitFor("location.pathname === '/' && document.readyState === 'complete'"
                    + " && document.body.innerText.includes('hello / demo')");

            String seen = browser.eval("document.body.innerText");
            assertAll(
                    () -> assertTrue(seen.contains("hello / demo"), seen),
                    () -> assertTrue(seen.contains("Synced"), seen));
        }
    }

    @Test
    void aWrongTokenShowsNoStatus() throws Exception {
        try (BrowserSession browser = new BrowserSession()) {
            browser.open(dashboard.toString());
            browser.eval("document.getElementById('token').value = 'guess'; document.querySelector('form').submit();"
                    + " 'sent'");
            browser.waitFor("location.pathname === '/login/failed' && document.readyState === 'complete'");

            String seen = browser.eval("document.body.innerText");
            assertAll(
                    () -> assertTrue(seen.contains("Wrong token"), seen),
                    () -> assertFalse(seen.contains("hello / demo"), seen));
        }
    }
}
