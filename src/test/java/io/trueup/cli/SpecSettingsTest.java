package io.trueup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trueup.desired.AppSpec;
import io.trueup.desired.BatchSize;
import io.trueup.desired.Health;
import io.trueup.desired.Rollout;
import io.trueup.support.Specs;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpecSettingsTest {

    @Test
    void writesDurationsAsDesiredStateDoes() {
        assertEquals(List.of("500ms", "30s", "2m", "1h", "90s", "0s"), List.of(Duration.ofMillis(500),
                Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofHours(1), Duration.ofSeconds(90),
                Duration.ZERO).stream().map(SpecSettings::duration).toList());
    }

    @Test
    void listsEachChangedRolloutAndHealthSettingFromBeforeToAfter() {
        AppSpec base = Specs.spec(Specs.sha('a'), Specs.env('e'), "web1");
        Rollout rollout = new Rollout(BatchSize.parse("25%"), 1, 1, Duration.ofMinutes(5), Duration.ZERO,
                Rollout.OnFailure.ROLLBACK_ALL);
        Health health = new Health(Optional.of("http://{host}:8000/healthz"), Optional.empty(), Duration.ofSeconds(10),
                Duration.ofMillis(500), 3, Duration.ofSeconds(5));
        AppSpec head = new AppSpec(base.id(), base.source(), base.path(), base.user(), base.requirements(),
                base.wheelhouse(), base.python(), base.restart(), base.stop(), health, rollout, base.keep(), false, base.sha(),
                base.requirementsHash(), base.hosts(), base.file(), base.recipe(), java.util.Map.of());

        assertEquals(List.of(
                "health.http: (none) -> http://{host}:8000/healthz",
                "health.timeout: 30s -> 10s",
                "health.interval: 1s -> 500ms",
                "rollout.batch: 1 -> 25%",
                "rollout.maxFailures: 0 -> 1",
                "rollout.canary: 0 -> 1",
                "rollout.canaryPause: 0s -> 5m",
                "rollout.onFailure: halt -> rollback-all",
                "selfHeal: true -> false"), SpecSettings.changes(base, head));
    }
}
