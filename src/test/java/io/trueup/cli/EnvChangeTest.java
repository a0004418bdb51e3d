package io.trueup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trueup.desired.AppEnv;
import io.trueup.desired.AppSpec;
import io.trueup.desired.DesiredEntry;
import io.trueup.desired.DesiredState;
import io.trueup.desired.Problem;
import io.trueup.support.Specs;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvChangeTest {

    private static final AppEnv PROD = new AppEnv("hello", "prod");
    private static final Problem BAD_SHA = new Problem("apps/hello/prod.yaml", 1, "sha", "must be a full commit id");

    private static DesiredState state(DesiredEntry... entries) {
        return DesiredState.of("r", java.util.Arrays.stream(entries)
                .collect(java.util.stream.Collectors.toMap(DesiredEntry::id, e -> e)), List.of());
    }

    @Test
    void anEnvironmentValidAgainAfterBeingInvalidIsPlannedLikeANewOne() {
        AppSpec spec = Specs.spec(Specs.sha('a'), Specs.env('e'), "web1");

        List<EnvChange> changes = EnvChange.between(state(new DesiredEntry.Invalid(PROD, List.of(BAD_SHA))),
                state(new DesiredEntry.Valid(spec)));

        assertEquals(List.of(new EnvChange.Added(spec, true)), changes);
    }

    @Test
    void tellsChangedFromUnchangedByTheWholeSpec() {
        AppSpec base = Specs.spec(Specs.sha('a'), Specs.env('e'), "web1");
        AppSpec head = Specs.spec(Specs.sha('b'), Specs.env('e'), "web1");

        assertEquals(List.of(new EnvChange.Changed(base, head)),
                EnvChange.between(state(new DesiredEntry.Valid(base)), state(new DesiredEntry.Valid(head))));
        assertEquals(List.of(new EnvChange.Unchanged(PROD)),
                EnvChange.between(state(new DesiredEntry.Valid(base)), state(new DesiredEntry.Valid(base))));
        assertEquals(List.of(new EnvChange.Removed(PROD, Optional.of(base))),
                EnvChange.between(state(new DesiredEntry.Valid(base)), DesiredState.of("r", Map.of(), List.of())));
    }
}
