package io.trueup.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trueup.desired.AppEnv;
import io.trueup.desired.BatchSize;
import io.trueup.desired.HostAddress;
import io.trueup.desired.ReleaseId;
import io.trueup.desired.Rollout;
import io.trueup.desired.Sha;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The next step of a rollout, decided from its record alone: every phase, pause, abort, halt, restart. */
class RolloutDeciderTest {

    private static final AppEnv ID = new AppEnv("hello", "prod");
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    private static final ReleaseId OLD = ReleaseId.of(new Sha("a".repeat(40)));
    private static final ReleaseId NEW = ReleaseId.of(new Sha("b".repeat(40)));
    private static final HostAddress H1 = HostAddress.parse("web1");
    private static final HostAddress H2 = HostAddress.parse("web2");
    private static final HostAddress H3 = HostAddress.parse("web3");
    private static final Rollout ONE_BY_ONE = new Rollout(BatchSize.parse("1"), 0, 0, Duration.ZERO,
            Duration.ofSeconds(30), Rollout.OnFailure.HALT);

    /** A rollout of NEW over web1, web2, web3 in batches of one, none started. */
    private static RolloutRecord fresh() {
        return RolloutRecord.start(ID, "rev2", "key2", NOW.minusSeconds(60), List.of(List.of(H1), List.of(H2),
                List.of(H3)), host -> NEW);
    }

    private static RolloutRecord.HostProgress healthy(RolloutRecord.HostProgress p) {
        return p.started(Optional.of(OLD), Optional.empty()).at(Phase.HEALTHY, Optional.empty());
    }

    private static RolloutDecider.Situation situation(boolean paused, Rollout policy) {
        Map<HostAddress, Optional<String>> current = new HashMap<>();
        current.put(H1, Optional.of(OLD.name()));
        current.put(H2, Optional.of(OLD.name()));
        current.put(H3, Optional.of(OLD.name()));
        return new RolloutDecider.Situation("key2", paused, policy, current);
    }

    private static RolloutStep next(RolloutRecord record) {
        return RolloutDecider.next(record, situation(false, ONE_BY_ONE), NOW);
    }

    @Test
    void aNewRolloutRunsItsFirstBatch() {
        assertEquals(new RolloutStep.Run(0, List.of(H1)), next(fresh()));
    }

    @Test
    void aBatchDoneIsFollowedByTheWaitBeforeTheNext() {
        RolloutRecord record = fresh().with(H1, RolloutDeciderTest::healthy);

        assertEquals(new RolloutStep.Advance(1, Optional.of(NOW.plusSeconds(30))), next(record));
    }

    @Test
    void theCanaryBatchIsFollowedByTheCanaryPause() {
        Rollout canary = new Rollout(BatchSize.parse("1"), 0, 1, Duration.ofMinutes(5), Duration.ofSeconds(30),
                Rollout.OnFailure.HALT);
        RolloutRecord record = fresh().with(H1, RolloutDeciderTest::healthy);

        assertEquals(new RolloutStep.Advance(1, Optional.of(NOW.plus(Duration.ofMinutes(5)))),
                RolloutDecider.next(record, situation(false, canary), NOW));
    }

    @Test
    void noWaitAfterTheLastBatch() {
        RolloutRecord record = fresh().with(H1, RolloutDeciderTest::healthy).with(H2, RolloutDeciderTest::healthy)
                .with(H3, RolloutDeciderTest::healthy).atBatch(2, Optional.empty());

        assertEquals(new RolloutStep.Advance(3, Optional.empty()), next(record));
    }

    @Test
    void aRolloutWaitsUntilItsWaitIsOverThenRunsTheNextBatch() {
        RolloutRecord waiting = fresh().with(H1, RolloutDeciderTest::healthy).atBatch(1,
                Optional.of(NOW.plusSeconds(30)));

        assertEquals(new RolloutStep.Wait(NOW.plusSeconds(30)), next(waiting));
        assertEquals(new RolloutStep.Run(1, List.of(H2)),
                RolloutDecider.next(waiting, situation(false, ONE_BY_ONE), NOW.plusSeconds(30)));
    }

    @Test
    void aPausedRolloutHoldsBeforeItsNextBatchAndGoesOnWhenResumed() {
        RolloutRecord record = fresh().with(H1, RolloutDeciderTest::healthy).atBatch(1, Optional.empty());

        RolloutStep held = RolloutDecider.next(record, situation(true, ONE_BY_ONE), NOW);

        assertEquals(new RolloutStep.Hold("paused before batch 2 of 3: resume to go on"), held);
        assertEquals(new RolloutStep.Run(1, List.of(H2)), next(record), "resumed: it goes on from there");
    }

    @Test
    void aPauseAlsoHoldsTheFirstBatch() {
        assertEquals(RolloutStep.Hold.class, RolloutDecider.next(fresh(), situation(true, ONE_BY_ONE), NOW)
                .getClass());
    }

    @Test
    void everyBatchDoneSucceeds() {
        RolloutRecord record = fresh().with(H1, RolloutDeciderTest::healthy).with(H2, RolloutDeciderTest::healthy)
                .with(H3, RolloutDeciderTest::healthy).atBatch(3, Optional.empty());

        assertEquals(new RolloutStep.Finish(RolloutStep.End.SUCCEEDED), next(record));
    }

    @Test
    void aFailedStepHaltsBeforeTheNextBatch() {
        RolloutRecord record = fresh().with(H1, p -> p.failed(Phase.FAILED, "restart", "exit 1", "", false, Optional.empty()));

        assertEquals(new RolloutStep.Finish(RolloutStep.End.HALTED), next(record));
    }

    @Test
    void failuresUpToMaxFailuresAreTolerated() {
        Rollout tolerant = new Rollout(BatchSize.parse("1"), 1, 0, Duration.ZERO, Duration.ZERO,
                Rollout.OnFailure.HALT);
        RolloutRecord record = fresh().with(H1, p -> p.failed(Phase.FAILED, "restart", "exit 1", "", false, Optional.empty()));

        assertEquals(new RolloutStep.Advance(1, Optional.empty()),
                RolloutDecider.next(record, situation(false, tolerant), NOW));
    }

    @Test
    void aHostTheNetworkFailedStopsTheRolloutToBeTriedAgainNotHalted() {
        RolloutRecord record = fresh().with(H1, p -> p.failed(Phase.FAILED, "push", "connection reset", "", true, Optional.empty()));

        assertEquals(new RolloutStep.Finish(RolloutStep.End.STOPPED), next(record));
    }

    @Test
    void rollbackAllSwitchesBackTheHostsItSwitchedWhenItHalts() {
        Rollout all = new Rollout(BatchSize.parse("1"), 0, 0, Duration.ZERO, Duration.ZERO,
                Rollout.OnFailure.ROLLBACK_ALL);
        RolloutRecord record = fresh().with(H1, RolloutDeciderTest::healthy)
                .with(H2, p -> p.failed(Phase.FAILED, "health", "503", "", false, Optional.empty())).atBatch(1, Optional.empty());

        RolloutStep step = RolloutDecider.next(record, situation(false, all), NOW);

        assertEquals(List.of(H1), ((RolloutStep.RollBack) step).hosts());
        assertEquals(new RolloutStep.Finish(RolloutStep.End.HALTED), RolloutDecider.next(record.with(H1,
                p -> p.at(Phase.ROLLED_BACK, Optional.of("rollback"))), situation(false, all), NOW),
                "then it halts");
    }

    @Test
    void aHostFoundAtItsReleaseWasNotSwitchedByTheRolloutAndIsNotSwitchedBack() {
        Rollout all = new Rollout(BatchSize.parse("1"), 0, 0, Duration.ZERO, Duration.ZERO,
                Rollout.OnFailure.ROLLBACK_ALL);
        RolloutRecord record = fresh().with(H1, p -> p.started(Optional.of(OLD), Optional.empty()).unswitched())
                .with(H2, p -> p.failed(Phase.FAILED, "health", "503", "", false, Optional.empty())).atBatch(1, Optional.empty());

        assertEquals(new RolloutStep.Finish(RolloutStep.End.HALTED), RolloutDecider.next(record,
                situation(false, all), NOW));
    }

    @Test
    void anAbortSwitchesBackWhatTheRolloutSwitchedThenEnds() {
        RolloutRecord record = fresh().with(H1, RolloutDeciderTest::healthy).atBatch(1,
                Optional.of(NOW.plusSeconds(30))).aborting();

        assertEquals(new RolloutStep.RollBack(List.of(H1), "the rollout was aborted"), next(record),
                "at once, not after the wait");
        assertEquals(new RolloutStep.Finish(RolloutStep.End.ABORTED), next(record.with(H1,
                p -> p.at(Phase.ROLLED_BACK, Optional.empty()))));
    }

    @Test
    void anAbortOfAPausedRolloutStillSwitchesBack() {
        RolloutRecord record = fresh().with(H1, RolloutDeciderTest::healthy).atBatch(1, Optional.empty()).aborting();

        assertEquals(RolloutStep.RollBack.class, RolloutDecider.next(record, situation(true, ONE_BY_ONE), NOW)
                .getClass());
    }

    @Test
    void aNewerDesiredStateSupersedesTheRolloutAtItsNextStep() {
        RolloutRecord record = fresh().with(H1, RolloutDeciderTest::healthy).atBatch(1, Optional.empty());
        RolloutDecider.Situation newer = new RolloutDecider.Situation("key3", false, ONE_BY_ONE,
                situation(false, ONE_BY_ONE).current());

        assertEquals(new RolloutStep.Finish(RolloutStep.End.SUPERSEDED), RolloutDecider.next(record, newer, NOW));
    }

    @Test
    void afterARestartAHostFoundSwitchedIsCheckedBeforeAnythingElse() {
        RolloutRecord record = fresh().with(H1, p -> p.started(Optional.of(OLD), Optional.empty())
                .at(Phase.SWITCHED, Optional.of("switch")));
        Map<HostAddress, Optional<String>> current = new HashMap<>(situation(false, ONE_BY_ONE).current());
        current.put(H1, Optional.of(NEW.name()));

        assertEquals(new RolloutStep.Check(List.of(H1)), RolloutDecider.next(record,
                new RolloutDecider.Situation("key3", true, ONE_BY_ONE, current), NOW),
                "even when paused or superseded: a switched host is never left unchecked");
    }

    @Test
    void afterARestartAHostRecordedMidDeployButNotSwitchedStartsAgain() {
        RolloutRecord record = fresh().with(H1, p -> p.started(Optional.of(OLD), Optional.empty())
                .at(Phase.PREPARED, Optional.of("env")));

        assertEquals(new RolloutStep.Reset(List.of(H1)), next(record));
    }

    @Test
    void afterARestartAHostThatCannotBeInspectedIsWaitedFor() {
        RolloutRecord record = fresh().with(H1, p -> p.started(Optional.of(OLD), Optional.empty())
                .at(Phase.SWITCHED, Optional.of("switch")));
        Map<HostAddress, Optional<String>> current = new HashMap<>(situation(false, ONE_BY_ONE).current());
        current.remove(H1);

        assertEquals(RolloutStep.Hold.class, RolloutDecider.next(record,
                new RolloutDecider.Situation("key2", false, ONE_BY_ONE, current), NOW).getClass());
    }

    @Test
    void aBatchCutShortByAMigrationNotRunStops() {
        RolloutRecord record = fresh().stopping("web1 did not run hooks.migrate");

        assertEquals(new RolloutStep.Finish(RolloutStep.End.STOPPED), next(record));
    }
}
