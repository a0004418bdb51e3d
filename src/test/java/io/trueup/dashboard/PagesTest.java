package io.trueup.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.AppEnv;
import io.trueup.desired.HostAddress;
import io.trueup.plan.Drift;
import io.trueup.reconcile.RolloutHistory;
import io.trueup.status.AppStatus;
import io.trueup.status.HostState;
import io.trueup.status.HostStatus;
import io.trueup.status.SyncStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How the dashboard words what the status board and the history hold. */
class PagesTest {

    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");
    private static final String DESIRED = "a".repeat(40);
    private static final String OLD = "b".repeat(40);
    private static final AppEnv ID = new AppEnv("hello", "prod");

    @Test
    void shasAreShownAsSevenCharactersWithTheFullOneKept() {
        Page.Commit commit = Words.commit(DESIRED);

        assertEquals("aaaaaaa", commit.shown());
        assertEquals(DESIRED, commit.full());
        assertEquals(Words.NONE, Words.commit(Optional.empty()).shown());
    }

    @Test
    void aHostOffItsDesiredReleaseSaysSoWithItsDrift() {
        Page.Host host = Pages.host(host("web1", OLD, HostState.OutOfSync, null), Optional.of(DESIRED));

        assertFalse(host.atDesired());
        assertEquals("bbbbbbb", host.current().shown());
        assertEquals("aaaaaaa", host.desired().shown());
        assertEquals(List.of("modified", "wrong sha"), host.drift());
        assertEquals("warn", host.tone());
    }

    @Test
    void aRolloutInProgressNamesTheStepRunningOnEachHost() {
        AppStatus app = app(SyncStatus.Progressing, false, host("web1", OLD, HostState.Deploying, "switch"),
                host("web2", OLD, HostState.OutOfSync, null));

        Page.App page = Pages.app(app, List.of(), NOW);

        assertEquals("Rolling out aaaaaaa: web1 (switch)", page.running());
        assertEquals("busy", page.tone());
    }

    @Test
    void aHaltedPausedAppIsFlaggedAndRed() {
        Page.App page = Pages.app(app(SyncStatus.Halted, true), List.of(), NOW);

        assertTrue(page.halted());
        assertTrue(page.paused());
        assertEquals("bad", page.tone());
        assertNull(page.running());
    }

    @Test
    void onlyTheMostRecentRolloutsAreShownNewestFirst() {
        List<RolloutHistory.Entry> history = IntStream.range(0, 8).mapToObj(i -> new RolloutHistory.Entry(
                "%040d".formatted(i), DESIRED, "sha256:00", NOW.minusSeconds(60L * i), Duration.ofMillis(4200),
                "succeeded", List.of())).toList();

        Page.App page = Pages.app(app(SyncStatus.Synced, false), history, NOW);

        assertEquals(Pages.ROLLOUTS_SHOWN, page.rollouts().size());
        assertEquals("0000000", page.rollouts().get(0).revision().shown());
        assertEquals("4.2 s", page.rollouts().get(0).took());
        assertEquals("2025-03-04 05:05:07 UTC (60 s ago)", page.rollouts().get(1).started());
    }

    @Test
    void rolloutResultsAreColouredByOutcome() {
        assertEquals("ok", Rollouts.tone("succeeded"));
        assertEquals("warn", Rollouts.tone("succeeded with 1 failed host(s)"));
        assertEquals("bad", Rollouts.tone("halted after batch 1 of 2"));
        assertEquals("bad", Rollouts.tone("failed, rolled back"));
    }

    @Test
    void longDurationsAndAgesAreInMinutesAndHours() {
        assertEquals("3 min 5 s", Words.took(Duration.ofSeconds(185)));
        assertEquals("5 min ago", Words.ago(Duration.ofMinutes(5)));
        assertEquals("3 h ago", Words.ago(Duration.ofHours(3)));
    }

    private static AppStatus app(SyncStatus status, boolean paused, HostStatus... hosts) {
        return new AppStatus(ID, Optional.of(DESIRED), status, Optional.empty(), List.of(), List.of(hosts), paused,
                NOW);
    }

    private static HostStatus host(String name, String sha, HostState state, String step) {
        return new HostStatus(new HostAddress(name, 22), Optional.of(sha), state, Optional.ofNullable(step),
                Optional.empty(), Set.of(Drift.WRONG_SHA, Drift.MODIFIED), List.of());
    }
}
