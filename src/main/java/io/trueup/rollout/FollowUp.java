package io.trueup.rollout;

import io.trueup.desired.AppSpec;
import io.trueup.desired.RequirementsHash;
import io.trueup.host.HostCommands;
import io.trueup.host.HostStep;
import io.trueup.plan.Action;
import io.trueup.plan.HostPlan;
import java.util.List;
import java.util.Optional;

/**
 * What a deploy of one host does once one of its {@linkplain DeployScript segments} failed,
 * decided from what ran and how it failed ({@link #after}): pure.
 */
sealed interface FollowUp {

    /**
     * The host is not as the inspection its plan was made from saw it: inspect it again and plan
     * anew. Nothing on the host has changed but the objects a push may have added.
     */
    record Replan(String reason) implements FollowUp {
    }

    /**
     * Leave the host as well as it can be, in this order: switch it back to the release it ran
     * before ({@code switchBack}); run {@code putBack} (its {@code hooks.afterSwitch}) when it ran
     * {@code hooks.beforeSwitch} and did not switch; run {@code removal}, which removes the release
     * and env this deploy made, once the host is back on its previous release (at once when it
     * never left it, after a switch back only if that succeeded); then append the failure to the
     * host's history ({@code recordHistory}), which frees the host lock, or else free it
     * ({@code unlock}).
     */
    record Recover(boolean switchBack, Optional<HostCommands.Step> putBack, Optional<HostCommands.Step> removal,
            boolean recordHistory, boolean unlock) implements FollowUp {
    }

    /**
     * What ran of a deploy before it failed.
     *
     * @param started the host steps that began
     * @param done the host steps of the deploy that succeeded ({@link HostStep#ofADeploy()})
     * @param commands how many host commands ran, each holding the host lock
     */
    record Ran(List<HostStep> started, List<HostStep> done, int commands) {
        public Ran {
            started = List.copyOf(started);
            done = List.copyOf(done);
        }
    }

    /**
     * What follows when {@code failedIn}, a segment of the deploy of {@code spec} by {@code plan},
     * failed with {@code failure} after {@code ran}. A host found not as inspected, or a push that
     * failed for a plan made from an earlier inspection (its repository may be gone since), calls
     * for a new plan. Otherwise: a host switched is switched back, unless only its
     * {@code afterSwitch} failed, which leaves it healthy on the new release; a failed release
     * never counts toward keep, so it goes once the host is back (unless the network failed, and
     * the next try may use it); a failure of the network leaves no history line (the host is
     * likely out of reach), but the lock that the deploy's commands kept is freed.
     */
    static FollowUp after(AppSpec spec, HostPlan plan, Ran ran, DeployScript.Segment failedIn, StepFailure failure) {
        if (failure.notAsSeen()) {
            return new Replan(failure.message());
        }
        if (failedIn instanceof DeployScript.FromHere(Action.Push push) && plan.has(Action.Verify.class)) {
            return new Replan(failure.message() + " (planned from an earlier inspection)");
        }
        boolean switched = ran.done().contains(HostStep.SWITCH);
        boolean healthy = failure.onHost().filter(HostStep.AFTER_SWITCH::equals).isPresent();
        boolean switchBack = switched && !healthy;
        Optional<HostCommands.Step> putBack = !switched && ran.started().contains(HostStep.BEFORE_SWITCH)
                ? ActionSteps.forDeploy(spec, plan).afterSwitch() : Optional.empty();
        boolean made = plan.actions().stream().anyMatch(a -> a instanceof Action.MakeRelease m && !m.replaces())
                && ran.done().contains(HostStep.RELEASE);
        Optional<HostCommands.Step> removal = Optional.empty();
        if (made && !failure.transientFailure() && (switchBack || !switched)) {
            List<RequirementsHash> envs = ran.done().contains(HostStep.ENV) ? List.of(spec.requirementsHash())
                    : List.of();
            removal = Optional.of(HostCommands.prune(List.of(spec.release(plan.host())), envs));
        }
        boolean record = !failure.transientFailure();
        return new Recover(switchBack, putBack, removal, record, !record && ran.commands() > 0);
    }
}
