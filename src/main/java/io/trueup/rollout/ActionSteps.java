package io.trueup.rollout;

import io.trueup.desired.AppSpec;
import io.trueup.desired.Hooks;
import io.trueup.desired.HostAddress;
import io.trueup.desired.ReleaseId;
import io.trueup.desired.Sha;
import io.trueup.host.HostCommands;
import io.trueup.host.HostStep;
import io.trueup.plan.Action;
import io.trueup.plan.HostPlan;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The host step that carries out each action of one host's plan, with the arguments the plan
 * and the spec give it; empty for what runs from trueup's side (the push, the health check) and
 * for what the app does not have (a restart or a hook it does not set). Pure.
 */
final class ActionSteps {

    private final AppSpec spec;
    private final HostAddress host;
    private final Optional<Sha> previous;

    /** @param previous the SHA the host switches away from, which the app's commands are told */
    private ActionSteps(AppSpec spec, HostAddress host, Optional<Sha> previous) {
        this.spec = spec;
        this.host = host;
        this.previous = previous;
    }

    /** The steps of a deploy by {@code plan}: it switches away from the release current when inspected. */
    static ActionSteps forDeploy(AppSpec spec, HostPlan plan) {
        return new ActionSteps(spec, plan.host(), plan.observed().flatMap(ReleaseId::parse).map(ReleaseId::sha));
    }

    /** The steps of switching back after a deploy by {@code plan}: away from the release it deployed. */
    static ActionSteps forRollback(AppSpec spec, HostPlan plan) {
        return forRollback(spec, plan.host());
    }

    /** The steps of switching {@code host} back: away from the release desired for it. */
    static ActionSteps forRollback(AppSpec spec, HostAddress host) {
        return new ActionSteps(spec, host, Optional.of(spec.release(host).sha()));
    }

    /**
     * The host step that carries out {@code action}; empty for what runs from trueup's side (the
     * push, the health check).
     */
    static Optional<HostStep> stepOf(Action action) {
        return switch (action) {
            case Action.Verify v -> Optional.of(HostStep.VERIFY);
            case Action.Cleanup c -> Optional.of(HostStep.CLEANUP);
            case Action.Prepare p -> Optional.of(HostStep.PREPARE);
            case Action.MakeRelease r -> Optional.of(HostStep.RELEASE);
            case Action.BuildEnv e -> Optional.of(HostStep.ENV);
            case Action.Build b -> Optional.of(HostStep.BUILD);
            case Action.Migrate m -> Optional.of(HostStep.MIGRATE);
            case Action.BeforeSwitch b -> Optional.of(HostStep.BEFORE_SWITCH);
            case Action.Switch s -> Optional.of(HostStep.SWITCH);
            case Action.Restart r -> Optional.of(HostStep.RESTART);
            case Action.AfterSwitch a -> Optional.of(HostStep.AFTER_SWITCH);
            case Action.Prune p -> Optional.of(HostStep.PRUNE);
            case Action.Push p -> Optional.empty();
            case Action.CheckHealth c -> Optional.empty();
        };
    }

    /** The steps of {@code host} in the release desired for it, switched to from {@code previous}. */
    static ActionSteps forSwitched(AppSpec spec, HostAddress host, Optional<Sha> previous) {
        return new ActionSteps(spec, host, previous);
    }

    /** The step of {@code action}, its switch time {@code now}. */
    Optional<HostCommands.Step> of(Action action, Instant now) {
        Hooks hooks = spec.recipe().hooks();
        return switch (action) {
            case Action.Verify v -> Optional.of(HostCommands.verify(v.currentLink(), v.previousLink(), v.env(),
                    v.envComplete(), v.usedAsIs(), v.built(), spec.rendered(host)));
            case Action.Cleanup c -> Optional.of(HostCommands.cleanup());
            case Action.Prepare p -> Optional.of(HostCommands.prepare());
            case Action.MakeRelease r -> Optional.of(HostCommands.release(spec, host));
            case Action.BuildEnv e -> Optional.of(HostCommands.buildEnv(spec, host));
            case Action.Build b -> inRelease(HostStep.BUILD, hooks.build());
            case Action.Migrate m -> inRelease(HostStep.MIGRATE, hooks.migrate());
            case Action.BeforeSwitch b -> inRelease(HostStep.BEFORE_SWITCH, hooks.beforeSwitch());
            case Action.Switch s -> Optional.of(HostCommands.switchTo(s.release(), now));
            case Action.Restart r -> restart();
            case Action.AfterSwitch a -> afterSwitch();
            case Action.Prune p -> Optional.of(HostCommands.prune(p.releases(), p.envs()));
            case Action.Push p -> Optional.empty();
            case Action.CheckHealth c -> Optional.empty();
        };
    }

    /** The app's {@code hook} (its command {@code command}, if it has one) in the release being deployed. */
    private Optional<HostCommands.Step> inRelease(HostStep hook, Optional<String> command) {
        return command.map(c -> HostCommands.hook(hook, c, spec, host, Optional.of(spec.release(host)), previous));
    }

    /** The app's restart in the current release, if it has one. */
    Optional<HostCommands.Step> restart() {
        return spec.restart().map(text -> HostCommands.restart(text, spec, host, previous));
    }

    /** The app's {@code hooks.afterSwitch} in the current release, if it has one. */
    Optional<HostCommands.Step> afterSwitch() {
        return spec.recipe().hooks().afterSwitch().map(c -> HostCommands.hook(HostStep.AFTER_SWITCH, c, spec, host,
                Optional.empty(), previous));
    }

    /** The app's {@code hooks.beforeSwitch} in the current release (before a switch back), if it has one. */
    Optional<HostCommands.Step> beforeSwitchBack() {
        return spec.recipe().hooks().beforeSwitch().map(c -> HostCommands.hook(HostStep.BEFORE_SWITCH, c, spec, host,
                Optional.empty(), previous));
    }

    /** How long a command of {@code steps} may run: {@code base}, and {@code hooks.timeout} more per hook. */
    Duration timeout(List<HostCommands.Step> steps, Duration base) {
        long hooks = steps.stream().filter(s -> s.step().hook()).count();
        return base.plus(spec.recipe().hooks().timeout().multipliedBy(hooks));
    }
}
