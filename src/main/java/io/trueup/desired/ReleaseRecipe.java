package io.trueup.desired;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a release holds beyond its commit, and what runs around its switch: the paths it shares
 * with other releases, the config files rendered into it, the variables those templates see,
 * and the hooks. An app that sets none of it deploys a bare clone of its commit. Immutable.
 *
 * @param shared paths that outlive releases, linked into each new one
 * @param config files rendered from templates into each new release
 * @param vars template variables of the app/environment ({@code vars} of app.yaml, then of the environment file)
 * @param hostVars per host, variables that override {@code vars} for that host
 * @param hooks commands run around the switch
 */
public record ReleaseRecipe(List<SharedPath> shared, List<ConfigFile> config, Map<String, Object> vars,
        Map<HostAddress, Map<String, Object>> hostVars, Hooks hooks) {

    public static final ReleaseRecipe NONE = new ReleaseRecipe(List.of(), List.of(), Map.of(), Map.of(), Hooks.NONE);

    public ReleaseRecipe {
        shared = List.copyOf(shared);
        config = List.copyOf(config);
        vars = Collections.unmodifiableMap(new TreeMap<>(vars));
        Map<HostAddress, Map<String, Object>> byHost = new TreeMap<>();
        hostVars.forEach((host, values) -> byHost.put(host, Collections.unmodifiableMap(new TreeMap<>(values))));
        hostVars = Collections.unmodifiableMap(byHost);
    }

    /** The variables {@code host}'s templates see: {@code vars}, overridden by its {@code hostVars}. */
    public Map<String, Object> varsFor(HostAddress host) {
        Map<String, Object> merged = new LinkedHashMap<>(vars);
        merged.putAll(hostVars.getOrDefault(host, Map.of()));
        return Collections.unmodifiableMap(merged);
    }
}
