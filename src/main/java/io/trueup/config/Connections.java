package io.trueup.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where trueup reads desired state from and how it logs in to hosts, resolved once at start:
 * from configuration, or from the embedded demo when it is enabled.
 *
 * @param url the desired-state repository, if configured
 * @param identity the private key for hosts and ssh:// git URLs
 * @param knownHosts the known_hosts file host keys are checked against
 * @param secretsDir where secrets are read when {@code trueup.secrets.dir} is not set (the demo's)
 */
public record Connections(Optional<String> url, String branch, Optional<String> dir, Optional<Path> identity,
        Path knownHosts, Optional<Path> secretsDir) {

    private static final List<String> DEFAULT_KEYS = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    /** From configuration; identity and known_hosts default to OpenSSH's files in {@code ~/.ssh}. */
    public static Connections of(TrueupConfig config) {
        Path ssh = Path.of(System.getProperty("user.home"), ".ssh");
        Optional<Path> identity = config.ssh().identity()
                .or(() -> DEFAULT_KEYS.stream().map(ssh::resolve).filter(Files::isRegularFile).findFirst());
        return new Connections(config.desiredState().url(), config.desiredState().branch(),
                config.desiredState().dir().filter(d -> !d.isBlank()), identity,
                config.ssh().knownHosts().orElse(ssh.resolve("known_hosts")), Optional.empty());
    }
}
