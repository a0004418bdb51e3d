package io.trueup.desired;

import java.util.Objects;
import java.util.Optional;

/**
 * A host that desired state no longer lists for an app/environment, with what undeploying it
 * needs: the app's base directory there, the SSH user, and the command that stops the app. Each
 * value is checked on construction by the rules of the desired-state field it came from, so a
 * value read back from trueup's state file is as safe to put in a remote command as a spec's.
 *
 * @param stop the app's {@code stop} command, if it has one
 */
public record Removal(AppEnv id, HostAddress host, String path, String user, Optional<String> stop) {

    public Removal {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        path = checked("path", path, ValueRules::hostPath);
        user = checked("user", user, ValueRules::user);
        stop = Objects.requireNonNull(stop, "stop").map(command -> checked("stop", command, ValueRules::shellCommand));
    }

    /** What undeploying {@code host} needs, from the last spec that listed it. */
    public static Removal of(AppSpec spec, HostAddress host) {
        return new Removal(spec.id(), host, spec.path(), spec.user(), spec.stop());
    }

    private static String checked(String field, String value, java.util.function.UnaryOperator<String> rule) {
        if (value == null) {
            throw new IllegalArgumentException(field + ": missing");
        }
        try {
            return rule.apply(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }
}
