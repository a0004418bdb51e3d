package io.trueup.desired;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The validated desired state of one app in one environment: {@code apps/<app>/app.yaml}
 * merged with {@code apps/<app>/<env>.yaml}. Every field was checked on the way in, so each is
 * safe to pass as an argument to a remote command.
 *
 * @param id the app and environment
 * @param source URL of the app's git repository (path, file://, ssh://)
 * @param path the base directory on each host; absolute, or relative to the SSH user's home
 * @param user the SSH user
 * @param requirements path of the requirements file inside the app repository
 * @param wheelhouse path of the wheel directory inside the app repository
 * @param python the interpreter that makes virtualenvs on hosts
 * @param restart the shell command run on the host in the release directory after the switch
 * @param stop the shell command run on a host in its current release when the host is undeployed
 *     (removed from desired state), before {@code current} is removed
 * @param health how to tell the host is healthy after the restart
 * @param rollout how a rollout goes through the hosts: batches, canary, pauses, failures allowed
 * @param keep releases kept per host
 * @param selfHeal whether drift is repaired (true) or only reported (false)
 * @param sha the pinned app commit
 * @param requirementsHash sha256 of the requirements file at {@code sha}
 * @param hosts the hosts, in rollout order, no duplicates
 * @param file the environment file, relative to the desired-state root, for messages
 * @param recipe what a release holds beyond its commit (shared paths, config) and the hooks around it
 * @param rendered per host, the config rendered for it from {@code recipe}'s templates; empty until
 *     rendered, and always empty for an app without config
 * @param transport how a release reaches the hosts: a git push and clone, or an archive of its tree
 */
public record AppSpec(
        AppEnv id,
        String source,
        String path,
        String user,
        String requirements,
        String wheelhouse,
        String python,
        Optional<String> restart,
        Optional<String> stop,
        Health health,
        Rollout rollout,
        int keep,
        boolean selfHeal,
        Sha sha,
        RequirementsHash requirementsHash,
        List<HostAddress> hosts,
        String file,
        ReleaseRecipe recipe,
        Map<HostAddress, RenderedConfig> rendered,
        Transport transport) {

    public AppSpec {
        Objects.requireNonNull(id);
        Objects.requireNonNull(source);
        Objects.requireNonNull(path);
        Objects.requireNonNull(user);
        Objects.requireNonNull(requirements);
        Objects.requireNonNull(wheelhouse);
        Objects.requireNonNull(python);
        Objects.requireNonNull(restart);
        Objects.requireNonNull(stop);
        Objects.requireNonNull(health);
        Objects.requireNonNull(rollout);
        Objects.requireNonNull(sha);
        Objects.requireNonNull(requirementsHash);
        Objects.requireNonNull(file);
        Objects.requireNonNull(recipe);
        Objects.requireNonNull(transport);
        hosts = List.copyOf(hosts);
        rendered = Collections.unmodifiableMap(new TreeMap<>(rendered));
        if (keep < 2) {
            throw new IllegalArgumentException("keep must be at least 2 (the current and the previous release)");
        }
        if (hosts.size() != hosts.stream().distinct().count()) {
            throw new IllegalArgumentException("hosts must not repeat");
        }
    }

    /** A spec whose releases reach the hosts by git ({@link Transport#GIT}). */
    public AppSpec(AppEnv id, String source, String path, String user, String requirements, String wheelhouse,
            String python, Optional<String> restart, Optional<String> stop, Health health, Rollout rollout, int keep,
            boolean selfHeal, Sha sha, RequirementsHash requirementsHash, List<HostAddress> hosts, String file,
            ReleaseRecipe recipe, Map<HostAddress, RenderedConfig> rendered) {
        this(id, source, path, user, requirements, wheelhouse, python, restart, stop, health, rollout, keep, selfHeal,
                sha, requirementsHash, hosts, file, recipe, rendered, Transport.GIT);
    }

    /** This spec with releases that reach the hosts by {@code other}. */
    public AppSpec withTransport(Transport other) {
        return new AppSpec(id, source, path, user, requirements, wheelhouse, python, restart, stop, health, rollout, keep,
                selfHeal, sha, requirementsHash, hosts, file, recipe, rendered, other);
    }

    /** This spec with {@code config} rendered for every host ({@code byHost}). */
    public AppSpec withRendered(Map<HostAddress, RenderedConfig> byHost) {
        return new AppSpec(id, source, path, user, requirements, wheelhouse, python, restart, stop, health, rollout, keep,
                selfHeal, sha, requirementsHash, hosts, file, recipe, byHost, transport);
    }

    /** This spec with another recipe, nothing rendered. */
    public AppSpec withRecipe(ReleaseRecipe other) {
        return new AppSpec(id, source, path, user, requirements, wheelhouse, python, restart, stop, health, rollout, keep,
                selfHeal, sha, requirementsHash, hosts, file, other, Map.of(), transport);
    }

    /** The config rendered for {@code host}: none for an app without config. */
    public RenderedConfig rendered(HostAddress host) {
        if (recipe.config().isEmpty()) {
            return RenderedConfig.NONE;
        }
        RenderedConfig config = rendered.get(host);
        if (config == null) {
            throw new IllegalStateException("the config of " + id + " is not rendered for " + host);
        }
        return config;
    }

    /** The release {@code host} should run: the commit, with the config rendered for that host. */
    public ReleaseId release(HostAddress host) {
        return rendered(host).release(sha);
    }

    /** {@code text} with every secret that the config rendered for any host holds masked (see {@link RenderedConfig#redact}). */
    public String redact(String text) {
        String masked = text;
        for (RenderedConfig config : rendered.values()) {
            masked = config.redact(masked);
        }
        return masked;
    }
}
