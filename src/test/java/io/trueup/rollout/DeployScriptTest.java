package io.trueup.rollout;

import static io.trueup.support.Specs.env;
import static io.trueup.support.Specs.release;
import static io.trueup.support.Specs.sha;
import static io.trueup.support.Specs.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.AppSpec;
import io.trueup.desired.Health;
import io.trueup.desired.Hooks;
import io.trueup.desired.HostAddress;
import io.trueup.desired.ReleaseRecipe;
import io.trueup.host.HostCommands;
import io.trueup.host.HostStep;
import io.trueup.plan.Action;
import io.trueup.plan.HostPlan;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Which commands a deploy runs and where its word to switch goes, decided without a shell. */
class DeployScriptTest {

    static final HostAddress WEB1 = HostAddress.parse("web1");
    static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    /** The app "hello" with a restart, and a health command when {@code healthy}, and {@code hooks}. */
    static AppSpec app(boolean health, Hooks hooks) {
        AppSpec spec = spec(sha('b'), env('1'), "web1");
        AppSpec checked = health ? new AppSpec(spec.id(), spec.source(), spec.path(), spec.user(),
                spec.requirements(), spec.wheelhouse(), spec.python(), spec.restart(), spec.stop(),
                new Health(Optional.empty(), Optional.of("true"), Duration.ofSeconds(30), Duration.ofSeconds(1), 3,
                        Duration.ZERO), spec.rollout(), spec.keep(), spec.selfHeal(), spec.sha(),
                spec.requirementsHash(), spec.hosts(), spec.file(), spec.recipe(), spec.rendered()) : spec;
        return checked.withRecipe(new ReleaseRecipe(List.of(), List.of(), Map.of(), Map.of(), hooks));
    }

    static Hooks hooks(boolean build, boolean aroundSwitch) {
        return new Hooks(build ? Optional.of("make build") : Optional.empty(), Optional.empty(),
                aroundSwitch ? Optional.of("lb drain") : Optional.empty(),
                aroundSwitch ? Optional.of("lb enable") : Optional.empty(), Duration.ofMinutes(1));
    }

    static HostPlan plan(Action... actions) {
        return new HostPlan(WEB1, Optional.of("releases/" + sha('a').hex()), Set.of(), List.of(actions),
                Optional.of(release('a')), Optional.empty(), List.of());
    }

    static Action.Verify verify() {
        return new Action.Verify("releases/" + sha('a').hex(), "", env('1'), true, Optional.of(release('b')), false);
    }

    /** The segments as a reader sees them: each command by its name, what runs from here by its step. */
    private static List<String> segments(AppSpec spec, HostPlan plan) {
        return DeployScript.of(spec, plan).stream().map(segment -> switch (segment) {
            case DeployScript.Command c -> c.names().stream().map(HostStep::word).collect(Collectors.joining("+"))
                    + (c.keepsLock() ? " (keeps the lock)" : "");
            case DeployScript.FromHere h -> h.action().step();
        }).toList();
    }

    @Test
    void aReleaseMadeAndSwitchedToInOneCommandSwitchesOnlyOnTrueupsWord() {
        HostPlan plan = plan(new Action.Push(sha('b')), new Action.MakeRelease(release('b'), false),
                new Action.Switch(release('b')), new Action.Restart());

        assertEquals(List.of("push", "release+confirm+switch+restart+record"),
                segments(app(false, Hooks.NONE), plan));
    }

    @Test
    void aCommandWithOnlyVerifyBeforeTheSwitchHasNoConfirm() {
        HostPlan plan = plan(verify(), new Action.Switch(release('b')), new Action.Restart(),
                new Action.CheckHealth());

        assertEquals(List.of("verify+switch+restart (keeps the lock)", "health", "record"),
                segments(app(true, Hooks.NONE), plan));
    }

    @Test
    void theHealthCheckBreaksTheCommandsAndTheLastOneFreesTheLock() {
        HostPlan plan = plan(new Action.MakeRelease(release('b'), false), new Action.BuildEnv(env('1')),
                new Action.Build(), new Action.BeforeSwitch(), new Action.Switch(release('b')), new Action.Restart(),
                new Action.CheckHealth(), new Action.AfterSwitch());

        List<DeployScript.Segment> segments = DeployScript.of(app(true, hooks(true, true)), plan);

        assertEquals(List.of("release+env+build+beforeSwitch+confirm+switch+restart (keeps the lock)", "health",
                "afterSwitch+record"), segments(app(true, hooks(true, true)), plan));
        assertFalse(((DeployScript.Command) segments.get(segments.size() - 1)).keepsLock());
    }

    @Test
    void whatTheAppDoesNotHaveIsNotRun() {
        HostPlan plan = plan(new Action.MakeRelease(release('b'), false), new Action.Build(),
                new Action.Switch(release('b')), new Action.Restart(), new Action.CheckHealth(),
                new Action.AfterSwitch());

        assertEquals(List.of("release+confirm+switch+restart+record"), segments(app(false, Hooks.NONE), plan),
                "no build hook, no health check, no afterSwitch");
    }

    @Test
    void theRepositoryIsCollectedOnlyWhenThePlanPrunes() {
        HostPlan prunes = plan(new Action.Switch(release('b')), new Action.Restart(),
                new Action.Prune(List.of(release('c')), List.of()));
        HostPlan keeps = plan(new Action.Switch(release('b')), new Action.Restart());

        assertEquals(List.of("switch+restart+prune+record+gc"), segments(app(false, Hooks.NONE), prunes));
        assertEquals(List.of("switch+restart+record"), segments(app(false, Hooks.NONE), keeps));
    }

    @Test
    void aCommandsStepsTakeTheirTimeWhenItRuns() {
        AppSpec spec = app(false, Hooks.NONE);
        HostPlan plan = plan(new Action.Switch(release('b')), new Action.Prune(List.of(), List.of()));
        DeployScript.Command last = (DeployScript.Command) DeployScript.of(spec, plan).get(0);

        List<HostCommands.Step> steps = DeployScript.steps(last, ActionSteps.forDeploy(spec, plan),
                now -> "{\"time\":\"" + now + "\"}", NOW);

        assertEquals(List.of(HostStep.SWITCH, HostStep.PRUNE, HostStep.RECORD, HostStep.GC),
                steps.stream().map(HostCommands.Step::step).toList());
        assertEquals(List.of(release('b').name(), Long.toString(NOW.getEpochSecond())), steps.get(0).args());
        assertTrue(steps.get(2).args().get(0).contains(NOW.toString()), steps.get(2).args()::toString);
        assertEquals(Long.toString(NOW.getEpochSecond()), steps.get(3).args().get(0));
    }
}
