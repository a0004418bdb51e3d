package io.trueup.desired;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The rule that spans apps: on one host, no two app/environments share a base directory or nest
 * one in the other, as each prunes, links and locks under its own. Hosts compare by name
 * (case-insensitive, see {@link HostAddress}) and port; paths after their checks (no {@code .},
 * {@code ..}, {@code //} or trailing {@code /}), segment by segment. A relative path is under the
 * SSH user's home, so it compares only with relative paths of the same user. Stateless.
 */
final class BasePaths {

    private BasePaths() {
    }

    /** One app/environment's clash with another: its spec and what is wrong, for its {@code path}. */
    record Clash(AppSpec spec, String message) {
    }

    /** The clashes of each valid entry of {@code entries} whose base directory overlaps another's on a host. */
    static Map<AppEnv, List<Clash>> overlaps(Collection<DesiredEntry> entries) {
        List<AppSpec> specs = entries.stream().filter(DesiredEntry.Valid.class::isInstance)
                .map(e -> ((DesiredEntry.Valid) e).spec()).toList();
        Map<AppEnv, List<Clash>> clashes = new LinkedHashMap<>();
        for (AppSpec one : specs) {
            for (AppSpec other : specs) {
                if (one == other || !overlap(one, other)) {
                    continue;
                }
                List<HostAddress> shared = one.hosts().stream().filter(other.hosts()::contains).toList();
                if (!shared.isEmpty()) {
                    clashes.computeIfAbsent(one.id(), id -> new ArrayList<>()).add(new Clash(one, message(one, other,
                            shared)));
                }
            }
        }
        return clashes;
    }

    private static boolean overlap(AppSpec one, AppSpec other) {
        boolean absolute = one.path().startsWith("/");
        if (absolute != other.path().startsWith("/") || !absolute && !Objects.equals(one.user(), other.user())) {
            return false;
        }
        return nested(one.path(), other.path()) || nested(other.path(), one.path());
    }

    /** Whether {@code inner} is {@code outer} or lies under it. */
    static boolean nested(String inner, String outer) {
        return inner.equals(outer) || inner.startsWith(outer + "/");
    }

    private static String message(AppSpec one, AppSpec other, List<HostAddress> hosts) {
        String how = one.path().equals(other.path()) ? "is also the path of"
                : nested(one.path(), other.path()) ? "lies inside the path " + other.path() + " of"
                : "holds the path " + other.path() + " of";
        return one.path() + " " + how + " " + other.id() + " (" + other.file() + ") on " + hosts.getFirst()
                + (hosts.size() > 1 ? " and " + (hosts.size() - 1) + " other host(s)" : "")
                + "; apps on one host need base directories apart";
    }
}
