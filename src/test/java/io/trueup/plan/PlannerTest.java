package io.trueup.plan;

import static io.trueup.support.Specs.env;
import static io.trueup.support.Specs.hosts;
import static io.trueup.support.Specs.release;
import static io.trueup.support.Specs.sha;
import static io.trueup.support.Specs.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.AppSpec;
import io.trueup.desired.BatchSize;
import io.trueup.desired.HostAddress;
import io.trueup.observe.Inspection;
import io.trueup.observe.Observation;
import io.trueup.support.Observations;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlannerTest {

    private static final HostAddress WEB1 = HostAddress.parse("web1");

    private static HostPlan planFor(AppSpec spec, Observation seen) {
        return Planner.plan(spec, List.of(new Inspection.Seen(WEB1, seen))).host(WEB1);
    }

    private static List<String> steps(HostPlan plan) {
        return plan.actions().stream().map(Action::step).toList();
    }

    @Test
    void firstDeployPreparesPushesReleasesBuildsEnvAndSwitches() {
        HostPlan plan = planFor(spec(sha('a'), env('1'), "web1"), Observations.empty());

        assertEquals(List.of("prepare", "push", "release", "env", "switch", "restart", "health"), steps(plan));
        assertEquals(Set.of(Drift.MISSING_CURRENT, Drift.ENV_MISSING), plan.drift());
        assertEquals(Optional.empty(), plan.rollbackTo());
    }

    @Test
    void convergedHostGetsNoActionAtAll() {
        Observation seen = Observations.host().release(sha('a'), env('1'), 100).current(sha('a')).build();

        HostPlan plan = planFor(spec(sha('a'), env('1'), "web1"), seen);

        assertTrue(plan.converged());
        assertEquals(Set.of(), plan.drift());
    }

    @Test
    void codeOnlyBumpReusesTheEnv() {
        Observation seen = Observations.host().release(sha('a'), env('1'), 100).current(sha('a')).commitMissing()
                .build();

        HostPlan plan = planFor(spec(sha('b'), env('1'), "web1"), seen);

        assertEquals(List.of("push", "release", "switch", "restart", "health"), steps(plan));
        assertEquals(Optional.of(release('a')), plan.rollbackTo());
        assertEquals(Set.of(Drift.WRONG_SHA), plan.drift());
    }

    @Test
    void requirementsChangeBuildsANewEnv() {
        Observation seen = Observations.host().release(sha('a'), env('1'), 100).current(sha('a')).commitMissing()
                .build();

        HostPlan plan = planFor(spec(sha('b'), env('2'), "web1"), seen);

        assertTrue(plan.actions().contains(new Action.BuildEnv(env('2'))));
    }

    @Test
    void goingBackToAKeptReleaseOnlySwitches() {
        Observation seen = Observations.host().release(sha('a'), env('1'), 100).release(sha('b'), env('2'), 200)
                .current(sha('b')).previous(sha('a')).build();

        HostPlan plan = planFor(spec(sha('a'), env('1'), "web1"), seen);

        assertEquals(List.of("switch", "restart", "health"), steps(plan));
    }

    @Test
    void releaseModifiedByHandIsReplacedByAFreshOne() {
        Observation seen = Observations.host().release(sha('a'), env('1'), 100).current(sha('a'))
                .modified(sha('a'), " M app.py").build();

        HostPlan plan = planFor(spec(sha('a'), env('1'), "web1"), seen);

        assertEquals(Set.of(Drift.MODIFIED), plan.drift());
        assertEquals(new Action.MakeRelease(release('a'), true), plan.actions().get(0));
        assertEquals(List.of("changed by hand: M app.py"), plan.detail());
    }

    @Test
    void missingEnvIsRebuiltAndTheAppRestarted() {
        Observation seen = Observations.host().release(sha('a'), env('1'), 100).current(sha('a'))
                .withoutEnv(env('1')).build();

        HostPlan plan = planFor(spec(sha('a'), env('1'), "web1"), seen);

        assertEquals(List.of("env", "switch", "restart", "health"), steps(plan));
        assertEquals(Set.of(Drift.ENV_MISSING), plan.drift());
    }

    @Test
    void prunesOldestReleasesBeyondKeepButNeverCurrentOrPrevious() {
        Observation seen = Observations.host()
                .release(sha('a'), env('1'), 100)
                .release(sha('b'), env('2'), 50)   // previous, though switched to long ago
                .release(sha('c'), env('1'), 300)
                .release(sha('d'), env('3'), 200)
                .current(sha('b')).commitMissing().build();

        HostPlan plan = planFor(spec(sha('e'), env('1'), hosts("web1"), BatchSize.parse("1"), 3), seen);

        // kept: e (new current), b (previous), c (most recent); pruned: d, a; env 3 is used by no kept release
        assertEquals(new Action.Prune(List.of(release('d'), release('a')), List.of(env('3'))),
                plan.actions().get(plan.actions().size() - 1));
    }

    @Test
    void batchesOnlyTheHostsThatNeedWorkInDesiredOrder() {
        Observation converged = Observations.host().release(sha('a'), env('1'), 1).current(sha('a')).build();
        AppSpec spec = spec(sha('a'), env('1'), hosts("h1", "h2", "h3", "h4", "h5"), BatchSize.parse("40%"), 5);

        Plan plan = Planner.plan(spec, List.of(
                new Inspection.Seen(HostAddress.parse("h1"), Observations.empty()),
                new Inspection.Seen(HostAddress.parse("h2"), converged),
                new Inspection.Seen(HostAddress.parse("h3"), Observations.empty()),
                new Inspection.Failed(HostAddress.parse("h4"), "connection refused", true),
                new Inspection.Seen(HostAddress.parse("h5"), Observations.empty())));

        assertEquals(List.of(hosts("h1", "h3"), hosts("h5")), plan.batches());
        assertEquals(Set.of(HostAddress.parse("h4")), plan.unreachable().keySet());
    }

    private static HostPlan recalledPlanFor(AppSpec spec, Observation seen) {
        return Planner.plan(spec, List.of(new Inspection.Recalled(WEB1, seen))).host(WEB1);
    }

    @Test
    void aRevertPlannedFromAnEarlierInspectionVerifiesTheReleaseItGoesBackToInItsFirstCommand() {
        // Seen when b was desired: the check of a, and whether repo.git holds a, were not made then.
        Observation seen = Observations.host().release(sha('a'), env('1'), 100).release(sha('b'), env('1'), 200)
                .current(sha('b')).previous(sha('a')).modified(sha('a'), "?? unknown.txt").build();

        HostPlan plan = recalledPlanFor(spec(sha('a'), env('1'), "web1"), seen);

        assertEquals(List.of("verify", "switch", "restart", "health"), steps(plan));
        assertEquals(new Action.Verify("releases/" + sha('b').hex(), "releases/" + sha('a').hex(), env('1'), true,
                Optional.of(release('a')), false), plan.actions().get(0));
        assertEquals(Optional.of(release('b')), plan.rollbackTo());
    }

    @Test
    void aBumpPlannedFromAnEarlierInspectionPushesThenVerifiesBeforeTheReleaseIsMade() {
        Observation seen = Observations.host().release(sha('a'), env('1'), 100).current(sha('a')).build();

        HostPlan plan = recalledPlanFor(spec(sha('b'), env('1'), "web1"), seen);

        assertEquals(List.of("push", "verify", "release", "switch", "restart", "health"), steps(plan),
                "whether repo.git holds b was not asked: it is pushed (a push sends only what is missing)");
        assertEquals(new Action.Verify("releases/" + sha('a').hex(), "", env('1'), true, Optional.empty(), false),
                plan.actions().get(1));
    }

    @Test
    void aRequirementsChangePlannedFromAnEarlierInspectionDoesNotExpectTheNewEnv() {
        Observation seen = Observations.host().release(sha('a'), env('1'), 100).current(sha('a')).build();

        HostPlan plan = recalledPlanFor(spec(sha('b'), env('2'), "web1"), seen);

        assertEquals(List.of("push", "verify", "release", "env", "switch", "restart", "health"), steps(plan));
        assertEquals(new Action.Verify("releases/" + sha('a').hex(), "", env('2'), false, Optional.empty(), false),
                plan.actions().get(1));
    }

    @Test
    void aRevertToAReleaseWhoseEnvWasNotCompletedBuildsItAndVerifiesTheReleaseAsItIs() {
        // An env build cut short: the release of a is there and linked, its env is not complete.
        Observation seen = Observations.host().release(sha('a'), env('1'), 100).release(sha('b'), env('2'), 200)
                .current(sha('b')).withoutEnv(env('1')).build();

        HostPlan plan = recalledPlanFor(spec(sha('a'), env('1'), "web1"), seen);

        assertEquals(List.of("verify", "env", "switch", "restart", "health"), steps(plan));
        assertEquals(new Action.Verify("releases/" + sha('b').hex(), "", env('1'), false, Optional.of(release('a')), false),
                plan.actions().get(0));
    }

    @Test
    void anEarlierInspectionDoesNotPlanAHostNotPreparedOrAtTheDesiredRelease() {
        Observation at = Observations.host().release(sha('a'), env('1'), 100).current(sha('a')).build();

        assertThrows(IllegalArgumentException.class, () -> recalledPlanFor(spec(sha('a'), env('1'), "web1"), at));
        assertThrows(IllegalArgumentException.class,
                () -> recalledPlanFor(spec(sha('a'), env('1'), "web1"), Observations.empty()));
    }
}
