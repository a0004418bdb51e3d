package io.trueup.desired;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What desired state may ask of trueup, set by the operator in trueup's own configuration
 * ({@code trueup.policy.*}), never in desired state: the SSH users apps may log in as, the hosts
 * they may name (glob patterns, case-insensitive), the base paths they may use (prefixes, segment
 * by segment) and the repositories they may push (prefixes of {@code source}). An empty list
 * allows everything. An app/environment outside the policy is invalid with the rule it broke.
 * Immutable, safe to share.
 *
 * @param users allowed values of {@code user} (also when it is the default, {@code trueup.ssh.user})
 * @param hosts glob patterns ({@code *}, {@code ?}, {@code [a-z]}) a host's name must match, port aside
 * @param paths prefixes a base {@code path} must equal or lie under
 * @param sources prefixes {@code source} must start with
 */
public record Policy(List<String> users, List<String> hosts, List<String> paths, List<String> sources) {

    /** The key prefix of the policy in trueup's configuration. */
    public static final String PREFIX = "trueup.policy.";

    /** The keys of the policy, without {@link #PREFIX}, as in {@link #of(Map)}. */
    public static final Set<String> KEYS = Set.of("users", "hosts", "paths", "sources");

    /** Allows everything: no {@code trueup.policy.*} set. */
    public static final Policy OPEN = new Policy(List.of(), List.of(), List.of(), List.of());

    private static final Pattern DOT_SEGMENT = Pattern.compile("(^|[/:])\\.{1,2}(/|$)");

    public Policy {
        users = clean(users);
        hosts = clean(hosts).stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        paths = clean(paths).stream().map(Policy::withoutTrailingSlash).toList();
        sources = clean(sources);
        hosts.forEach(Policy::matcher); // a wrong pattern fails here, at startup
    }

    /**
     * The policy in {@code values}, by key without {@link #PREFIX} ({@code users}, ...), each a
     * comma-separated list; other keys are refused, so that a misspelt key does not allow everything.
     *
     * @throws IllegalArgumentException naming the key that is not one of {@link #KEYS}, or a wrong pattern
     */
    public static Policy of(Map<String, String> values) {
        for (String key : values.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(PREFIX + key + " is not a policy key; they are " + PREFIX
                        + String.join(", " + PREFIX, KEYS.stream().sorted().toList()));
            }
        }
        return new Policy(split(values.get("users")), split(values.get("hosts")), split(values.get("paths")),
                split(values.get("sources")));
    }

    /** The rules of this policy that {@code spec} breaks, each as the field it concerns and why. */
    List<Violation> violations(AppSpec spec) {
        List<Violation> found = new ArrayList<>();
        if (!users.isEmpty() && !users.contains(spec.user())) {
            found.add(new Violation("user", spec.user() + " is not allowed by " + PREFIX + "users (" + users + ")"));
        }
        for (int i = 0; i < spec.hosts().size(); i++) {
            String name = spec.hosts().get(i).name();
            if (!hosts.isEmpty() && hosts.stream().noneMatch(glob -> matcher(glob).matches(Path.of(name)))) {
                found.add(new Violation("hosts[" + i + "]", name + " matches none of " + PREFIX + "hosts (" + hosts
                        + ")"));
            }
        }
        if (!paths.isEmpty() && paths.stream().noneMatch(prefix -> under(spec.path(), prefix))) {
            found.add(new Violation("path", spec.path() + " lies under none of " + PREFIX + "paths (" + paths + ")"));
        }
        sourceViolation(spec.source()).ifPresent(found::add);
        return found;
    }

    private Optional<Violation> sourceViolation(String source) {
        return sourceRefusal(source).map(message -> new Violation("source", message));
    }

    /**
     * Why a repository URL may not be fetched from under {@code trueup.policy.sources}, if it may
     * not: an app's {@code source}, or the URL one of its submodules resolves to.
     */
    public Optional<String> sourceRefusal(String url) {
        if (sources.isEmpty()) {
            return Optional.empty();
        }
        if (DOT_SEGMENT.matcher(url).find() || url.contains("%")) {
            return Optional.of("must not hold . or .. segments or %-escapes while "
                    + PREFIX + "sources is set: they could lead out of an allowed prefix");
        }
        if (sources.stream().noneMatch(url::startsWith)) {
            return Optional.of(url + " starts with none of " + PREFIX + "sources (" + sources + ")");
        }
        return Optional.empty();
    }

    /** A rule broken: the field (dotted, with an index for a list element) and what is wrong. */
    record Violation(String field, String message) {
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix.equals("/") ? "/" : prefix + "/");
    }

    private static PathMatcher matcher(String glob) {
        return FileSystems.getDefault().getPathMatcher("glob:" + glob);
    }

    private static List<String> clean(List<String> values) {
        return values.stream().map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    private static String withoutTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static List<String> split(String value) {
        return value == null ? List.of() : Arrays.asList(value.split(","));
    }
}
