package io.trueup.observe;

import io.trueup.desired.ReleaseId;
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
 * ignored rather than trusted. A release's link to an env is its target ({@code ../../envs/<hash>})
 * or {@code @<n>}: the env whose line says that number ({@code env <hash> @<n>}).
 */
public final class ObservationParser {

    private static final String ENV_LINK_PREFIX = "../../envs/";
    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("@[1-9][0-9]{0,5}");

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

    private static Optional<ReleaseId> releaseAt(String link) {
        return link.startsWith("releases/") ? ReleaseId.parse(link.substring("releases/".length())) : Optional.empty();
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
        /** Each release's switch time and link to its env, as said; resolved once every env is read. */
        final Map<ReleaseId, Map.Entry<Long, String>> releases = new HashMap<>();
        /** The envs said with a number, by that number ({@code @<n>}). */
        final Map<String, RequirementsHash> numbered = new HashMap<>();
        final Set<RequirementsHash> envs = new HashSet<>();
        final Set<RequirementsHash> partial = new HashSet<>();
        final Map<ReleaseId, String> heads = new HashMap<>();
        final Map<ReleaseId, List<String>> changes = new HashMap<>();
        final Map<ReleaseId, Map<String, String>> rendered = new HashMap<>();
        final Set<ReleaseId> built = new HashSet<>();
        final List<String> leftovers = new ArrayList<>();
        boolean drained;
        Optional<String> lock = Optional.empty();

        void accept(String key, String value) {
            switch (key) {
                case "base" -> base = value.equals("present");
                case "repo" -> repo = value.equals("yes");
                case "object" -> commit = value.equals("yes");
                case "current" -> current = value;
                case "previous" -> previous = value;
                case "release" -> release(value.split(" ", 3));
                case "env" -> env(value).ifPresent(envs::add);
                case "partial" -> env(value).ifPresent(partial::add);
                case "leftover" -> leftovers.add(value);
                case "drained" -> drained = value.equals("yes");
                case "lock" -> lock = Optional.of(value);
                case "head" -> withRelease(value, (id, rest) -> heads.put(id, rest));
                case "change" -> withRelease(value, (id, rest) -> changes.computeIfAbsent(id, s -> new ArrayList<>())
                        .add(rest));
                case "rendered" -> withRelease(value, (id, rest) -> renderedFile(id, rest));
                case "built" -> withRelease(value, (id, rest) -> built.add(id));
                default -> { }
            }
        }

        void release(String[] parts) {
            Optional<ReleaseId> id = ReleaseId.parse(parts[0]);
            if (id.isEmpty()) {
                return;
            }
            long switched = parts.length > 1 && parts[1].matches("[0-9]{1,12}") ? Long.parseLong(parts[1]) : 0;
            releases.put(id.get(), Map.entry(switched, parts.length > 2 ? parts[2] : ""));
        }

        /** The env of an {@code env} or {@code partial} line ({@code <hash> [@<n>]}), noting its number. */
        Optional<RequirementsHash> env(String value) {
            int space = value.indexOf(' ');
            Optional<RequirementsHash> env = envHash(space < 0 ? value : value.substring(0, space));
            if (env.isPresent() && space > 0 && NUMBER.matcher(value.substring(space + 1)).matches()) {
                numbered.put(value.substring(space + 1), env.get());
            }
            return env;
        }

        /** The env a release's link, as said, points at: by its target, or by its number ({@code @<n>}). */
        Optional<RequirementsHash> linked(String link) {
            if (link.startsWith(ENV_LINK_PREFIX)) {
                return envHash(link.substring(ENV_LINK_PREFIX.length()));
            }
            return Optional.ofNullable(numbered.get(link));
        }

        /** {@code <digest> <path>}: a file rendered into a release, as the host has it now. */
        void renderedFile(ReleaseId id, String rest) {
            int space = rest.indexOf(' ');
            if (space == 64 && rest.substring(0, 64).matches("[0-9a-f]{64}")) {
                rendered.computeIfAbsent(id, r -> new HashMap<>()).put(rest.substring(65), rest.substring(0, 64));
            }
        }

        void withRelease(String value, java.util.function.BiConsumer<ReleaseId, String> then) {
            int space = value.indexOf(' ');
            String name = space < 0 ? value : value.substring(0, space);
            ReleaseId.parse(name).ifPresent(id -> then.accept(id, space < 0 ? "" : value.substring(space + 1)));
        }

        Observation build() {
            Map<ReleaseId, Observation.ReleaseCheck> checks = new HashMap<>();
            heads.forEach((id, head) -> checks.put(id, new Observation.ReleaseCheck(id,
                    Sha.valid(head) ? Optional.of(head) : Optional.empty(), changes.getOrDefault(id, List.of()),
                    rendered.getOrDefault(id, Map.of()), built.contains(id))));
            Map<ReleaseId, Observation.Release> linked = new HashMap<>();
            releases.forEach((id, said) -> linked.put(id, new Observation.Release(id, said.getKey(),
                    linked(said.getValue()))));
            return new Observation(base, repo, commit, releaseAt(current), current, releaseAt(previous),
                    linked, envs, partial, checks, leftovers, drained, lock);
        }
    }
}
