package io.trueup.desired;

import java.util.List;

/** What desired state says of one app/environment: a valid spec, or the problems that make it invalid. */
public sealed interface DesiredEntry {

    AppEnv id();

    record Valid(AppSpec spec) implements DesiredEntry {
        @Override
        public AppEnv id() {
            return spec.id();
        }
    }

    record Invalid(AppEnv id, List<Problem> problems) implements DesiredEntry {
        public Invalid {
            problems = List.copyOf(problems);
            if (problems.isEmpty()) {
                throw new IllegalArgumentException("an invalid entry names at least one problem");
            }
        }

        /** All problems, one per line, each {@code file:line: field: message}. */
        public String message() {
            return String.join("\n", problems.stream().map(Problem::toString).toList());
        }
    }
}
