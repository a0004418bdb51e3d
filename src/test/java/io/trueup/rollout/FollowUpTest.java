package io.trueup.rollout;

import static io.trueup.rollout.DeployScriptTest.app;
import static io.trueup.rollout.DeployScriptTest.hooks;
import static io.trueup.rollout.DeployScriptTest.plan;
import static io.trueup.rollout.DeployScriptTest.verify;
import static io.trueup.support.Specs.env;
import static io.trueup.support.Specs.release;
import static io.trueup.support.Specs.sha;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.AppSpec;
import io.trueup.desired.Hooks;
import io.trueup.host.HostCommands;
import io.trueup.host.HostStep;
import io.trueup.plan.Action;
import io.trueup.plan.HostPlan;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a deploy does once one of its steps failed, decided without a shell. */
class FollowUpTest {

    private static final AppSpec SPEC = app(true, hooks(true, true));
    private static final HostPlan PLAN = plan(new Action.Push(sha('b')),
            new Action.MakeRelease(release('b'), false), new Action.BuildEnv(env('1')), new Action.Build(),
            new Action.BeforeSwitch(), new Action.Switch(release('b')), new Action.Restart(),
            new Action.CheckHealth(), new Action.AfterSwitch());
    private static final DeployScript.Segment COMMAND = DeployScript.of(SPEC, PLAN).get(1);
    private static final DeployScript.Segment HEALTH = DeployScript.of(SPEC, PLAN).get(2);

    private static FollowUp.Ran ran(List<HostStep> started, List<HostStep> done) {
        return new FollowUp.Ran(started, done, 1);
    }

    private static StepFailure failed(HostStep step, boolean network) {
        return StepFailure.of(step, step + " on web1 failed with exit 1", "", network);
    }

    private static FollowUp.Recover recover(HostPlan plan, FollowUp.Ran ran, DeployScript.Segment in,
            StepFailure failure) {
        return assertInstanceOf(FollowUp.Recover.class, FollowUp.after(SPEC, plan, ran, in, failure));
    }

    @Test
    void aFailureBeforeTheSwitchSwitchesNothingBackAndRemovesTheFailedRelease() {
        List<HostStep> done = List.of(HostStep.RELEASE, HostStep.ENV);

        FollowUp.Recover next = recover(PLAN, ran(List.of(HostStep.RELEASE, HostStep.ENV, HostStep.BUILD), done),
                COMMAND, failed(HostStep.BUILD, false));

        assertFalse(next.switchBack());
        assertEquals(Optional.empty(), next.putBack());
        HostCommands.Step removal = next.removal().orElseThrow();
        assertEquals(HostStep.PRUNE, removal.step());
        assertEquals(List.of(release('b').name(), "--", env('1').hex()), removal.args(), "the release and its env");
        assertTrue(next.recordHistory());
        assertFalse(next.unlock(), "the history line frees the lock");
    }

    @Test
    void aFailureAfterTheSwitchSwitchesBackAndThenRemovesTheFailedRelease() {
        List<HostStep> done = List.of(HostStep.RELEASE, HostStep.BUILD, HostStep.BEFORE_SWITCH, HostStep.SWITCH,
                HostStep.RESTART);

        FollowUp.Recover next = recover(PLAN, ran(done, done), HEALTH,
                new StepFailure("health", "health check of web1 failed", "", false));

        assertTrue(next.switchBack());
        assertEquals(Optional.empty(), next.putBack(), "the switch back runs afterSwitch itself");
        assertEquals(List.of(release('b').name(), "--"), next.removal().orElseThrow().args(), "no env was built");
        assertTrue(next.recordHistory());
    }

    @Test
    void aFailedAfterSwitchLeavesTheHostOnTheNewRelease() {
        List<HostStep> done = List.of(HostStep.RELEASE, HostStep.SWITCH, HostStep.RESTART);

        FollowUp.Recover next = recover(PLAN, ran(List.of(HostStep.AFTER_SWITCH), done), COMMAND,
                failed(HostStep.AFTER_SWITCH, false));

        assertFalse(next.switchBack(), "healthy on the new release: switching back would not help");
        assertEquals(Optional.empty(), next.removal(), "the release is current");
        assertTrue(next.recordHistory());
    }

    @Test
    void aFailedBeforeSwitchIsPutBackWithAfterSwitch() {
        FollowUp.Recover next = recover(PLAN, ran(List.of(HostStep.RELEASE, HostStep.BEFORE_SWITCH),
                List.of(HostStep.RELEASE)), COMMAND, failed(HostStep.BEFORE_SWITCH, false));

        assertFalse(next.switchBack());
        assertEquals(HostStep.AFTER_SWITCH, next.putBack().orElseThrow().step());
        assertTrue(next.removal().isPresent());
    }

    @Test
    void aFailureOfTheNetworkWritesNoHistoryLineAndFreesTheLock() {
        FollowUp.Recover next = recover(PLAN, ran(List.of(HostStep.RELEASE, HostStep.ENV), List.of(HostStep.RELEASE)),
                COMMAND, failed(HostStep.ENV, true));

        assertFalse(next.recordHistory(), "the host is likely out of reach");
        assertTrue(next.unlock());
        assertEquals(Optional.empty(), next.removal(), "the next try may use the release");
    }

    @Test
    void aFailedPushBeforeAnyCommandLeavesNoLockToFree() {
        HostPlan plan = plan(new Action.Push(sha('b')), new Action.MakeRelease(release('b'), false),
                new Action.Switch(release('b')));
        DeployScript.Segment push = DeployScript.of(SPEC, plan).get(0);

        FollowUp.Recover next = recover(plan, new FollowUp.Ran(List.of(), List.of(), 0), push,
                new StepFailure("push", "push to web1 failed: gone", "", true));

        assertFalse(next.recordHistory());
        assertFalse(next.unlock());
    }

    @Test
    void aReleaseThatWasThereBeforeIsNotRemoved() {
        HostPlan plan = plan(new Action.MakeRelease(release('b'), true), new Action.Switch(release('b')),
                new Action.Restart());

        FollowUp.Recover next = recover(plan, ran(List.of(HostStep.RELEASE, HostStep.SWITCH, HostStep.RESTART),
                List.of(HostStep.RELEASE, HostStep.SWITCH)), DeployScript.of(SPEC, plan).get(0),
                failed(HostStep.RESTART, false));

        assertTrue(next.switchBack());
        assertEquals(Optional.empty(), next.removal());
    }

    @Test
    void aHostNotAsInspectedIsPlannedAnew() {
        HostPlan plan = plan(verify(), new Action.Switch(release('b')), new Action.Restart());

        FollowUp next = FollowUp.after(SPEC, plan, ran(List.of(HostStep.VERIFY), List.of()),
                DeployScript.of(SPEC, plan).get(0), StepFailure.notAsSeen("web1 is not as inspected: current moved"));

        assertEquals(new FollowUp.Replan("web1 is not as inspected: current moved"), next);
    }

    @Test
    void aFailedPushIsPlannedAnewOnlyWhenThePlanCameFromAnEarlierInspection() {
        HostPlan verifying = plan(verify(), new Action.Push(sha('b')), new Action.MakeRelease(release('b'), false),
                new Action.Switch(release('b')));
        HostPlan fresh = plan(new Action.Push(sha('b')), new Action.MakeRelease(release('b'), false),
                new Action.Switch(release('b')));
        StepFailure push = new StepFailure("push", "push to web1 failed: no repository", "", true);

        FollowUp again = FollowUp.after(SPEC, verifying, ran(List.of(HostStep.VERIFY), List.of(HostStep.VERIFY)),
                DeployScript.of(SPEC, verifying).get(1), push);
        FollowUp failed = FollowUp.after(SPEC, fresh, new FollowUp.Ran(List.of(), List.of(), 0),
                DeployScript.of(SPEC, fresh).get(0), push);

        assertEquals(new FollowUp.Replan("push to web1 failed: no repository (planned from an earlier inspection)"),
                again);
        assertInstanceOf(FollowUp.Recover.class, failed);
    }

    @Test
    void anAppWithoutAfterSwitchHasNothingToPutBack() {
        AppSpec spec = app(false, Hooks.NONE);
        HostPlan plan = plan(new Action.MakeRelease(release('b'), false), new Action.Switch(release('b')));

        FollowUp next = FollowUp.after(spec, plan, ran(List.of(HostStep.BEFORE_SWITCH), List.of()),
                DeployScript.of(spec, plan).get(0), failed(HostStep.BEFORE_SWITCH, false));

        assertEquals(Optional.empty(), assertInstanceOf(FollowUp.Recover.class, next).putBack());
    }
}
