package io.trueup.cli;

import io.trueup.desired.AppEnv;
import io.trueup.desired.AppSpec;
import io.trueup.desired.DesiredEntry;
import io.trueup.desired.DesiredState;
import io.trueup.desired.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/** What merging a desired-state change does to one app/environment. */
sealed interface EnvChange {

    AppEnv id();

    /** Valid at head and not valid at base: absent there ({@code wasInvalid} false) or invalid. */
    record Added(AppSpec head, boolean wasInvalid) implements EnvChange {
        @Override
        public AppEnv id() {
            return head.id();
        }
    }

    /**
     * At base ({@code base} its spec there, empty when it was invalid), gone at head: trueup
     * undeploys its hosts (at once with {@code trueup.undeploy=auto}, else when asked).
     */
    record Removed(AppEnv id, Optional<AppSpec> base) implements EnvChange {
    }

    record Changed(AppSpec base, AppSpec head) implements EnvChange {
        @Override
        public AppEnv id() {
            return head.id();
        }
    }

    record Unchanged(AppEnv id) implements EnvChange {
    }

    /** Invalid at head: trueup keeps reconciling the last valid state, and no host changes. */
    record Invalid(AppEnv id, List<Problem> problems) implements EnvChange {
        public Invalid {
            problems = List.copyOf(problems);
        }
    }

    /** The change of every app/environment of {@code base} or {@code head}, sorted by app/environment. Pure. */
    static List<EnvChange> between(DesiredState base, DesiredState head) {
        TreeSet<AppEnv> ids = new TreeSet<>(base.entries().keySet());
        ids.addAll(head.entries().keySet());
        List<EnvChange> changes = new ArrayList<>();
        for (AppEnv id : ids) {
            Optional<DesiredEntry> before = Optional.ofNullable(base.entries().get(id));
            DesiredEntry after = head.entries().get(id);
            changes.add(after == null ? new Removed(id, before.flatMap(EnvChange::valid)) : of(before, after));
        }
        return changes;
    }

    private static Optional<AppSpec> valid(DesiredEntry entry) {
        return entry instanceof DesiredEntry.Valid v ? Optional.of(v.spec()) : Optional.empty();
    }

    private static EnvChange of(Optional<DesiredEntry> before, DesiredEntry after) {
        return switch (after) {
            case DesiredEntry.Invalid invalid -> new Invalid(invalid.id(), invalid.problems());
            case DesiredEntry.Valid valid -> before
                    .filter(DesiredEntry.Valid.class::isInstance).map(DesiredEntry.Valid.class::cast)
                    .map(b -> b.spec().equals(valid.spec()) ? (EnvChange) new Unchanged(valid.id())
                            : new Changed(b.spec(), valid.spec()))
                    .orElseGet(() -> new Added(valid.spec(), before.isPresent()));
        };
    }
}
