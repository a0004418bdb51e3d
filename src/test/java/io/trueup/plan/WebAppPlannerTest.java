package io.trueup.plan;

import static io.trueup.support.Specs.env;
import static io.trueup.support.Specs.release;
import static io.trueup.support.Specs.sha;
import static io.trueup.support.Specs.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.AppSpec;
import io.trueup.desired.ConfigFile;
import io.trueup.desired.Hooks;
import io.trueup.desired.HostAddress;
import io.trueup.desired.ReleaseId;
import io.trueup.desired.ReleaseRecipe;
import io.trueup.desired.RenderedConfig;
import io.trueup.observe.Inspection;
import io.trueup.observe.Observation;
import io.trueup.support.Observations;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Plans for an app with config rendered into its releases and hooks around their switch. */
class WebAppPlannerTest {

    private static final HostAddress WEB1 = HostAddress.parse("web1");
    private static final HostAddress WEB2 = HostAddress.parse("web2");
    private static final Hooks ALL_HOOKS = new Hooks(Optional.of("build"), Optional.of("migrate"),
            Optional.of("drain"), Optional.of("enable"), Duration.ofMinutes(1));

    /** The app at {@code sha} on web1 and web2, its settings.py rendered as {@code settings}, with {@code hooks}. */
    private static AppSpec app(char sha, String settings, Hooks hooks) {
        AppSpec bare = spec(sha(sha), env('1'), "web1", "web2");
        AppSpec withRecipe = bare.withRecipe(new ReleaseRecipe(List.of(),
                List.of(new ConfigFile("apps/hello/settings.tmpl", "settings.py", 0640)), Map.of(), Map.of(), hooks));
        Map<HostAddress, RenderedConfig> rendered = new LinkedHashMap<>();
        for (HostAddress host : bare.hosts()) {
            rendered.put(host, new RenderedConfig(List.of(new RenderedConfig.File("settings.py", 0640,
                    settings.getBytes(StandardCharsets.UTF_8))), Map.of()));
        }
        return withRecipe.withRendered(rendered);
    }

    private static Map<String, String> digests(AppSpec spec) {
        return Map.of("settings.py", spec.rendered(WEB1).files().get(0).digest());
    }

    private static Plan plan(AppSpec spec, Observation web1, Observation web2) {
        return Planner.plan(spec, List.of(new Inspection.Seen(WEB1, web1), new Inspection.Seen(WEB2, web2)));
    }

    private static List<String> steps(HostPlan plan) {
        return plan.actions().stream().map(Action::step).toList();
    }

    @Test
    void theReleaseOfAnAppWithConfigIsNamedByItsCommitAndItsRenderedFiles() {
        ReleaseId id = app('a', "DEBUG = False\n", Hooks.NONE).release(WEB1);

        assertEquals(sha('a'), id.sha());
        assertTrue(id.name().matches(sha('a').hex() + "-[0-9a-f]{12}"), id.name());
        assertEquals(Optional.of(id), ReleaseId.parse(id.name()));
        assertTrue(!id.equals(app('a', "DEBUG = True\n", Hooks.NONE).release(WEB1)));
    }

    @Test
    void newConfigForTheSameCommitIsANewReleaseMadeAndSwitchedTo() {
        AppSpec before = app('a', "KEY = 1\n", Hooks.NONE);
        AppSpec after = app('a', "KEY = 2\n", Hooks.NONE);
        Observation seen = Observations.host().release(before.release(WEB1), env('1'), 100, digests(before))
                .current(before.release(WEB1)).build();

        HostPlan plan = plan(after, seen, seen).host(WEB1);

        assertEquals(Set.of(Drift.CONFIG_CHANGED), plan.drift());
        assertEquals(List.of("release", "switch", "restart", "health"), steps(plan));
        assertEquals(new Action.MakeRelease(after.release(WEB1), false), plan.actions().get(0));
        assertEquals(Optional.of(before.release(WEB1)), plan.rollbackTo());
        assertEquals(List.of("config changed: release " + before.release(WEB1).abbrev() + " becomes "
                + after.release(WEB1).abbrev()), plan.detail());
    }

    @Test
    void aRenderedFileChangedByHandIsDriftAndTheReleaseIsMadeAgain() {
        AppSpec spec = app('a', "KEY = 1\n", Hooks.NONE);
        Observation edited = Observations.host().release(spec.release(WEB1), env('1'), 100,
                Map.of("settings.py", "0".repeat(64))).current(spec.release(WEB1)).build();
        Observation gone = Observations.host().release(spec.release(WEB2), env('1'), 100, Map.of())
                .current(spec.release(WEB2)).build();

        Plan plan = plan(spec, edited, gone);

        assertEquals(Set.of(Drift.MODIFIED), plan.host(WEB1).drift());
        assertEquals(List.of("changed by hand: settings.py, rendered from config"), plan.host(WEB1).detail());
        assertEquals(new Action.MakeRelease(spec.release(WEB1), true), plan.host(WEB1).actions().get(0));
        assertEquals(List.of("changed by hand: settings.py (gone), rendered from config"), plan.host(WEB2).detail());
    }

    @Test
    void aHostWhoseRenderedFilesAreAsRenderedIsConverged() {
        AppSpec spec = app('a', "KEY = 1\n", Hooks.NONE);
        Observation seen = Observations.host().release(spec.release(WEB1), env('1'), 100, digests(spec))
                .current(spec.release(WEB1)).build();

        assertTrue(plan(spec, seen, seen).converged());
    }

    @Test
    void hooksBuildTheNewReleaseAndDrainTheHostAroundItsSwitchAndTheFirstHostMigrates() {
        AppSpec spec = app('b', "KEY = 1\n", ALL_HOOKS);
        Observation seen = Observations.host().release(sha('a'), env('1'), 100).current(sha('a')).build();

        Plan plan = plan(spec, seen, seen);

        assertEquals(Optional.of(WEB1), plan.migrateOn());
        assertEquals(List.of("release", "build", "migrate", "beforeSwitch", "switch", "restart", "health",
                "afterSwitch"), steps(plan.host(WEB1)));
        assertEquals(List.of("release", "build", "beforeSwitch", "switch", "restart", "health", "afterSwitch"),
                steps(plan.host(WEB2)));
    }

    @Test
    void aReleaseMadeButNeverSwitchedToStillMigrates() {
        AppSpec spec = app('b', "KEY = 1\n", ALL_HOOKS);
        Observation made = Observations.host().release(sha('a'), env('1'), 100)
                .release(spec.release(WEB1), env('1'), 0, digests(spec)).current(sha('a')).build();

        Plan plan = plan(spec, made, made);

        assertEquals(Optional.of(WEB1), plan.migrateOn(), "a deploy cut off before its switch made it, say");
        assertEquals(List.of("migrate", "beforeSwitch", "switch", "restart", "health", "afterSwitch"),
                steps(plan.host(WEB1)), "built already: not built again");
    }

    @Test
    void aReleaseWhoseBuildWasCutOffIsMadeAndBuiltAgain() {
        AppSpec spec = app('b', "KEY = 1\n", ALL_HOOKS);
        Observation cut = Observations.host().release(sha('a'), env('1'), 100)
                .release(spec.release(WEB1), env('1'), 0, digests(spec)).unbuilt(spec.release(WEB1))
                .current(sha('a')).build();

        HostPlan plan = plan(spec, cut, cut).host(WEB1);

        assertEquals(new Action.MakeRelease(spec.release(WEB1), true), plan.actions().get(0));
        assertEquals(List.of("release", "build", "migrate", "beforeSwitch", "switch", "restart", "health",
                "afterSwitch"), steps(plan));
    }

    @Test
    void aCurrentReleaseNotBuiltToItsEndIsModifiedAndMadeAndBuiltAgain() {
        AppSpec spec = app('a', "KEY = 1\n", ALL_HOOKS);
        Observation unbuilt = Observations.host().release(spec.release(WEB1), env('1'), 100, digests(spec))
                .unbuilt(spec.release(WEB1)).current(spec.release(WEB1)).build();

        HostPlan plan = plan(spec, unbuilt, unbuilt).host(WEB1);

        assertEquals(Set.of(Drift.MODIFIED), plan.drift());
        assertEquals(List.of("release " + spec.release(WEB1).abbrev() + " was not built to its end by hooks.build"),
                plan.detail());
        assertEquals(List.of("release", "build", "beforeSwitch", "switch", "restart", "health", "afterSwitch"),
                steps(plan));
    }

    @Test
    void goingBackToAReleaseTheHostsRanMigratesNothing() {
        AppSpec spec = app('a', "KEY = 1\n", ALL_HOOKS);
        Observation ran = Observations.host().release(spec.release(WEB1), env('1'), 100, digests(spec))
                .release(sha('b'), env('1'), 200).current(sha('b')).previous(sha('a')).build();

        Plan plan = plan(spec, ran, ran);

        assertEquals(Optional.empty(), plan.migrateOn());
        assertEquals(List.of("beforeSwitch", "switch", "restart", "health", "afterSwitch"), steps(plan.host(WEB1)));
    }

    @Test
    void aHostThatJoinsHostsRunningTheReleaseMigratesNothing() {
        AppSpec spec = app('b', "KEY = 1\n", ALL_HOOKS);
        Observation running = Observations.host().release(spec.release(WEB1), env('1'), 100, digests(spec))
                .current(spec.release(WEB1)).build();

        Plan plan = plan(spec, running, Observations.empty());

        assertEquals(Optional.empty(), plan.migrateOn());
        assertEquals(List.of(List.of(WEB2)), plan.batches());
    }

    @Test
    void selfHealRepairsWithoutMigrating() {
        AppSpec spec = app('a', "KEY = 1\n", ALL_HOOKS);
        Observation modified = Observations.host().release(spec.release(WEB1), env('1'), 100, Map.of())
                .current(spec.release(WEB1)).build();

        Plan plan = plan(spec, modified, modified);

        assertEquals(Optional.empty(), plan.migrateOn());
        assertEquals(List.of("release", "build", "beforeSwitch", "switch", "restart", "health", "afterSwitch"),
                steps(plan.host(WEB1)));
    }

    @Test
    void aHostLeftOutOfItsLoadBalancerIsPutBackOnceHealthy() {
        AppSpec spec = app('a', "KEY = 1\n", ALL_HOOKS);
        Observation drained = Observations.host().release(spec.release(WEB1), env('1'), 100, digests(spec))
                .current(spec.release(WEB1)).drained().build();

        HostPlan plan = plan(spec, drained, drained).host(WEB1);

        assertEquals(Set.of(Drift.DRAINED), plan.drift());
        assertEquals(List.of("health", "afterSwitch"), steps(plan));
        assertEquals(Optional.empty(), plan.rollbackTo());
    }

    @Test
    void withoutAfterSwitchTheMarkOfADrainedHostIsNoDrift() {
        AppSpec spec = app('a', "KEY = 1\n", Hooks.NONE);
        Observation drained = Observations.host().release(spec.release(WEB1), env('1'), 100, digests(spec))
                .current(spec.release(WEB1)).drained().build();

        assertTrue(plan(spec, drained, drained).converged());
    }

    @Test
    void withoutConfigAReleaseIsItsCommitAsBefore() {
        AppSpec spec = spec(sha('a'), env('1'), "web1");

        assertEquals(release('a'), spec.release(WEB1));
        assertEquals(sha('a').hex(), spec.release(WEB1).name());
    }
}
