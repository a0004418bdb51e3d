package io.trueup.desired;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
 * @param health how to tell the host is healthy after the restart
 * @param rollout how a rollout goes through the hosts: batches, canary, pauses, failures allowed
 * @param keep releases kept per host
 * @param selfHeal whether drift is repaired (true) or only reported (false)
 * @param sha the pinned app commit
 * @param requirementsHash sha256 of the requirements file at {@code sha}
 * @param hosts the hosts, in rollout order, no duplicates
 * @param file the environment file, relative to the desired-state root, for messages
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
        Health health,
        Rollout rollout,
        int keep,
        boolean selfHeal,
        Sha sha,
        RequirementsHash requirementsHash,
        List<HostAddress> hosts,
        String file) {

    public AppSpec {
        Objects.requireNonNull(id);
        Objects.requireNonNull(source);
        Objects.requireNonNull(path);
        Objects.requireNonNull(user);
        Objects.requireNonNull(requirements);
        Objects.requireNonNull(wheelhouse);
        Objects.requireNonNull(python);
        Objects.requireNonNull(restart);
        Objects.requireNonNull(health);
        Objects.requireNonNull(rollout);
        Objects.requireNonNull(sha);
        Objects.requireNonNull(requirementsHash);
        Objects.requireNonNull(file);
        hosts = List.copyOf(hosts);
        if (keep < 2) {
            throw new IllegalArgumentException("keep must be at least 2 (the current and the previous release)");
        }
        if (hosts.size() != hosts.stream().distinct().count()) {
            throw new IllegalArgumentException("hosts must not repeat");
        }
    }
}
