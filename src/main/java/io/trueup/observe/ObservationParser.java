package io.trueup.observe;

import io.trueup.desired.RequirementsHash;
import io.trueup.desired.Sha;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the report of the {@code inspect} host script into an {@link Observation}. Lines it
 * does not know, and names that are not SHAs or hashes (someone's own directories), are
 * ignored rather than trusted.
 */
public final class ObservationParser {

    private static final String ENV_LINK_PREFIX = "../../envs/";

    private ObservationParser() {
    }

    public static Observation parse(String report) {
        var acc = new Accumulator();
        for (String line : report.split("\n")) {
            int space = line.indexOf(' ');
            if (space > 0) {
                acc.accept(line.substring(0, space), line.substring(space + 1));
            }
        }
        return acc.build();
    }

    private static Optional<Sha> releaseSha(String link) {
        String name = link.startsWith("releases/") ? link.substring("releases/".length()) : "";
        return Sha.valid(name) ? Optional.of(new Sha(name)) : Optional.empty();
    }

    private static Optional<RequirementsHash> envHash(String name) {
        return name.matches("[0-9a-f]{64}") ? Optional.of(new RequirementsHash(name)) : Optional.empty();
    }

    private static final class Accumulator {
        boolean base;
        boolean repo;
        boolean commit;
        String current = "";
        String previous = "";
        final Map<Sha, Observation.Release> releases = new HashMap<>();
        final Set<RequirementsHash> envs = new HashSet<>();
        final Set<RequirementsHash> partial = new HashSet<>();
        final Map<Sha, String> heads = new HashMap<>();
        final Map<Sha, List<String>> changes = new HashMap<>();
        final List<String> leftovers = new ArrayList<>();

        void accept(String key, String value) {
            switch (key) {
                case "base" -> base = value.equals("present");
                case "repo" -> repo = value.equals("yes");
                case "object" -> commit = value.equals("yes");
                case "current" -> current = value;
                case "previous" -> previous = value;
                case "release" -> release(value.split(" ", 3));
                case "env" -> envHash(value).ifPresent(envs::add);
                case "partial" -> envHash(value).ifPresent(partial::add);
                case "leftover" -> leftovers.add(value);
                case "head" -> withSha(value, (sha, rest) -> heads.put(sha, rest));
                case "change" -> withSha(value, (sha, rest) -> changes.computeIfAbsent(sha, s -> new ArrayList<>()).add(rest));
                default -> { }
            }
        }

        void release(String[] parts) {
            if (!Sha.valid(parts[0])) {
                return;
            }
            long switched = parts.length > 1 && parts[1].matches("[0-9]{1,12}") ? Long.parseLong(parts[1]) : 0;
            String link = parts.length > 2 ? parts[2] : "";
            Optional<RequirementsHash> env = link.startsWith(ENV_LINK_PREFIX)
                    ? envHash(link.substring(ENV_LINK_PREFIX.length())) : Optional.empty();
            Sha sha = new Sha(parts[0]);
            releases.put(sha, new Observation.Release(sha, switched, env));
        }

        void withSha(String value, java.util.function.BiConsumer<Sha, String> then) {
            int space = value.indexOf(' ');
            String name = space < 0 ? value : value.substring(0, space);
            if (Sha.valid(name)) {
                then.accept(new Sha(name), space < 0 ? "" : value.substring(space + 1));
            }
        }

        Observation build() {
            Map<Sha, Observation.ReleaseCheck> checks = new HashMap<>();
            heads.forEach((sha, head) -> checks.put(sha, new Observation.ReleaseCheck(sha,
                    Sha.valid(head) ? Optional.of(head) : Optional.empty(), changes.getOrDefault(sha, List.of()))));
            return new Observation(base, repo, commit, releaseSha(current), current, releaseSha(previous),
                    releases, envs, partial, checks, leftovers);
        }
    }
}
