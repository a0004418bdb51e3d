package io.trueup.reconcile;

import static io.trueup.support.Specs.env;
import static io.trueup.support.Specs.sha;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trueup.desired.AppSpec;
import io.trueup.desired.HostAddress;
import io.trueup.desired.ReleaseId;
import io.trueup.observe.Inspection;
import io.trueup.observe.Inspector;
import io.trueup.observe.Observation;
import io.trueup.observe.ObservationParser;
import io.trueup.rollout.HostOutcome;
import io.trueup.support.FakeRemoteShell;
import io.trueup.support.Specs;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a reconcile knows of each host after a rollout, for the deploy after it. */
class HostViewsTest {

    final FakeRemoteShell shell = new FakeRemoteShell();
    final HostViews views = new HostViews(new Inspector(shell, Duration.ofSeconds(5), 4),
            new HostRetries(new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5), () -> 0.5), Clock.systemUTC()));
    final AppSpec atB = Specs.spec(sha('b'), env('1'), "h1");
    final HostAddress h1 = atB.hosts().get(0);

    @Test
    void whatAHostsDeploySaidItHoldsIsWhatTheNextDeployStartsFromWithNoInspection() {
        Observation said = ObservationParser.parse(runs('b', 'a'));

        views.inspectAfter(atB, List.of(deployed(said)));
        List<Inspection> revert = views.inspectAll(Specs.spec(sha('a'), env('1'), "h1"), true);

        assertEquals(List.of(new Inspection.Recalled(h1, said)), revert);
        assertEquals(List.of(), shell.commands(), "no inspection after the rollout, nor before the revert");
    }

    @Test
    void aHostSwitchedBackAfterItsDeployIsInspectedAsTheRevertLeftIt() {
        shell.report("h1", runs('a', 'b'));

        views.inspectAfter(atB, List.of(deployed(ObservationParser.parse(runs('b', 'a'))),
                new HostOutcome.Reverted(h1, new HostOutcome.Rollback(ReleaseId.of(sha('a')), true, "switched back"))));
        List<Inspection> next = views.inspectAll(Specs.spec(sha('c'), env('1'), "h1"), true);

        assertEquals(List.of("h1 inspect"), shell.commands(), "its last outcome counts: the switch back");
        assertEquals(Optional.of(ReleaseId.of(sha('a'))),
                ((Inspection.Recalled) next.get(0)).observation().current());
    }

    private HostOutcome.Deployed deployed(Observation said) {
        return new HostOutcome.Deployed(h1, ReleaseId.of(sha('b')), List.of("switch"), Duration.ZERO, List.of(),
                Optional.of(said));
    }

    /** inspect.sh's report of a host running {@code running}, {@code before} kept, as a deploy's last command says. */
    private static String runs(char running, char before) {
        String now = sha(running).hex();
        String was = sha(before).hex();
        return String.join("\n", List.of("base present", "repo yes", "current releases/" + now,
                "previous releases/" + was, "release " + now + " 1700000100 ../../envs/" + env('1').hex(),
                "release " + was + " 1700000000 ../../envs/" + env('1').hex(), "env " + env('1').hex(), ""));
    }
}
