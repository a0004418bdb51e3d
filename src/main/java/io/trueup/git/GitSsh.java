package io.trueup.git;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * JGit's SSH transport as trueup uses it for {@code ssh://} repository URLs: log in with
 * trueup's identity file only, and accept a server only when its key is listed for it in
 * trueup's known_hosts file (an unknown or changed key is refused, never added).
 *
 * <p>Nothing of the user's {@code ~/.ssh} leaks in: no {@code ~/.ssh/config}, no default keys,
 * no agent; JGit's home and SSH directories are under trueup's state directory. Without a
 * known_hosts file every {@code ssh://} server is refused.
 *
 * <p>It also carries the settings of {@code https://} URLs ({@link GitHttp}), so that one
 * {@link #transportConfig} serves every fetch whatever its URL.
 *
 * <p>One instance is shared by all fetches and is safe to use from many threads.
 */
public final class GitSsh implements AutoCloseable {

    private final SshdSessionFactory factory;
    private final GitHttp http;

    /**
     * For SSH only: https URLs are fetched without credentials and trusted by the JDK's store.
     *
     * @param identity the private key to log in with; without one, public key login fails
     * @param knownHosts the known_hosts file that lists the servers' keys
     * @param stateDir trueup's state directory; JGit's SSH home is {@code git-ssh} under it
     */
    public GitSsh(Optional<Path> identity, Optional<Path> knownHosts, Path stateDir) {
        this(identity, knownHosts, stateDir, GitHttp.anonymous());
    }

    /**
     * @param identity the private key to log in with; without one, public key login fails
     * @param knownHosts the known_hosts file that lists the servers' keys
     * @param stateDir trueup's state directory; JGit's SSH home is {@code git-ssh} under it
     * @param http the credentials and trust of https URLs
     */
    public GitSsh(Optional<Path> identity, Optional<Path> knownHosts, Path stateDir, GitHttp http) {
        this.http = http;
        Path home = stateDir.resolve("git-ssh");
        Path sshDir = home.resolve(".ssh");
        List<Path> known = List.of(knownHosts.orElse(sshDir.resolve("known_hosts")));
        List<Path> identities = identity.map(List::of).orElse(List.of());
        StrictSshConfig config = StrictSshConfig.of(identities, known);
        this.factory = new SshdSessionFactoryBuilder()
                .setHomeDirectory(home.toFile())
                .setSshDirectory(sshDir.toFile())
                .setConfigStoreFactory((homeDir, configFile, localUser) -> config)
                .setDefaultKnownHostsFiles(dir -> known)
                .setDefaultIdentities(dir -> identities)
                .setPreferredAuthentications("publickey")
                .build(null);
    }

    /** Installs this SSH configuration on SSH transports, and {@link GitHttp}'s on HTTP ones. */
    public TransportConfigCallback transportConfig() {
        TransportConfigCallback web = http.transportConfig();
        return transport -> {
            if (transport instanceof SshTransport ssh) {
                ssh.setSshSessionFactory(factory);
            }
            web.configure(transport);
        };
    }

    /** Closes the SSH client and its connections. */
    @Override
    public void close() {
        factory.close();
    }
}
