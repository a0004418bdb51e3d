package io.trueup.dashboard;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.trueup.desired.AppEnv;
import io.trueup.reconcile.Reconciler;
import io.trueup.status.AppStatus;
import io.trueup.status.HostStatus;
import io.trueup.status.StatusBoard;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard in a real headless Chromium, as a person sees it: the demo app, its status and
 * each host with the release it runs. Saves screenshots at desktop and phone sizes to
 * {@code target/screenshots/} (the desktop one is {@code docs/dashboard.png}).
 */
@QuarkusTest
@TestProfile(DashboardProfile.class)
@Timeout(180)
class DashboardBrowserIT {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @Inject
    Reconciler reconciler;

    @Inject
    StatusBoard board;

    @TestHTTPResource("/")
    URL dashboard;

    private final Chromium chromium = new Chromium();

    @BeforeEach
    void reconcile() {
        reconciler.runOnce();
    }

    @Test
    void showsTheDemoAppSyncedWithEachHostsRelease() {
        AppStatus hello = board.app(new AppEnv("hello", "demo")).orElseThrow();
        String sha = hello.sha().orElseThrow();

        String dom = chromium.dumpDom(dashboard);
        String seen = visibleText(dom);

        assertAll(
                () -> assertTrue(seen.contains("hello / demo"), seen),
                () -> assertTrue(seen.contains("hello / demo Synced"), seen),
                () -> assertTrue(seen.contains("desired SHA " + sha.substring(0, 7)), seen),
                () -> assertTrue(dom.contains("title=\"" + sha + "\""), "the full SHA is in a title"),
                () -> assertTrue(seen.contains("succeeded"), "the first rollout is in the history: " + seen));
        for (HostStatus host : hello.hosts()) {
            String release = io.trueup.desired.ReleaseId.parse(host.release().orElseThrow()).orElseThrow().abbrev();
            assertTrue(release.startsWith(sha.substring(0, 7) + "-"), "the demo renders config: " + release);
            assertTrue(seen.contains(host.host() + " Synced " + release + " " + sha.substring(0, 7)),
                    "host row of " + host.host() + " in: " + seen);
        }
    }

    @Test
    void markupInStatusTextStaysText() {
        Hostile.putOn(board);

        String dom = chromium.dumpDom(dashboard);

        assertAll(
                () -> assertEquals("trueup", title(dom), "no script ran"),
                () -> assertTrue(visibleText(dom).contains(Hostile.ERROR), "the error is shown as written"),
                () -> assertTrue(!dom.contains("<img"), "no element was injected"));
    }

    @Test
    void screenshotsAtDesktopAndPhoneSizes() throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path desktop = SCREENSHOTS.resolve("dashboard.png");
        Path phone = SCREENSHOTS.resolve("dashboard-phone.png");

        chromium.screenshot(dashboard, desktop, 1200, 900);
        chromium.screenshot(dashboard, phone, 390, 844);

        assertEquals(1200, width(desktop));
        assertEquals(390, width(phone));
    }

    @Test
    void screenshotOfAHaltedPausedApp() throws IOException {
        Hostile.putOn(board);
        Files.createDirectories(SCREENSHOTS);
        Path halted = SCREENSHOTS.resolve("dashboard-halted.png");

        chromium.screenshot(dashboard, halted, 1200, 900);

        assertEquals(1200, width(halted));
    }

    /** The text a person reads: no head, no tags, entities decoded, whitespace collapsed. */
    private static String visibleText(String dom) {
        String body = dom.replaceAll("(?s)<head>.*?</head>", " ").replaceAll("<[^>]+>", " ");
        return body.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&amp;", "&").replaceAll("\\s+", " ");
    }

    private static String title(String dom) {
        Matcher m = Pattern.compile("<title>(.*?)</title>").matcher(dom);
        return m.find() ? m.group(1) : "";
    }

    private static int width(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        return image.getWidth();
    }
}
