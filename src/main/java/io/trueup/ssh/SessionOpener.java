package io.trueup.ssh;

import java.io.IOException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.password.PasswordIdentityProvider;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * Makes authenticated SSH sessions with one {@link SshClient}, configured to use nothing but
 * what it is given: one identity, public key authentication only, strict host key checking
 * against one known_hosts file (proposing first the host key types it lists for the host, as
 * OpenSSH does), and no {@code ~/.ssh} configuration or keys. Sessions send a
 * keep-alive every {@value #HEARTBEAT_SECONDS} seconds and are closed when the host stops
 * answering them; they never time out for being idle.
 *
 * <p>Safe to call from many threads; {@link SessionPool} decides when to call it.
 */
final class SessionOpener implements AutoCloseable {

    static final int HEARTBEAT_SECONDS = 15;
    private static final int HEARTBEATS_UNANSWERED_MAX = 4;

    private final SshClient client;
    private final Path identityFile;
    private final Path knownHosts;
    private final Duration timeout;

    /**
     * @param identityFile an unencrypted private key, read now
     * @param knownHosts the known_hosts file host keys are checked against
     * @param timeout how long connecting, and then authenticating, may each take
     */
    SessionOpener(Path identityFile, Path knownHosts, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("connect timeout must be positive: " + timeout);
        }
        KeyPair identity = SshKeys.readIdentity(identityFile);
        this.identityFile = identityFile;
        this.knownHosts = knownHosts;
        this.timeout = timeout;
        this.client = SshClient.setUpDefaultClient();
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        StrictHostKeys hostKeys = new StrictHostKeys(knownHosts);
        client.setServerKeyVerifier(hostKeys.verifier());
        client.addSessionListener(hostKeys.hostKeyOrder());
        client.setKeyIdentityProvider(KeyIdentityProvider.wrapKeyPairs(identity));
        client.setPasswordIdentityProvider(PasswordIdentityProvider.EMPTY_PASSWORDS_PROVIDER);
        client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        CoreModuleProperties.IO_CONNECT_TIMEOUT.set(client, timeout);
        CoreModuleProperties.AUTH_TIMEOUT.set(client, timeout.multipliedBy(2)); // the verify below fires first
        CoreModuleProperties.HEARTBEAT_REQUEST.set(client, "keepalive@openssh.com");
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, Duration.ofSeconds(HEARTBEAT_SECONDS));
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, HEARTBEATS_UNANSWERED_MAX);
        CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
        // A step is a few small packets each way; with Nagle's algorithm (MINA's default) each
        // waited ~40 ms for the host's delayed ACK (measured in e2e/bench: 60 ms a command, 12-20 without).
        CoreModuleProperties.TCP_NODELAY.set(client, true);
        client.start();
    }

    /**
     * Connects to {@code target} and logs in.
     *
     * @throws HostKeyException when the host's key is not the one known_hosts lists
     * @throws HostUnreachableException when the host cannot be reached or refuses the key
     */
    ClientSession open(SshTarget target) {
        AttributeRepository context = StrictHostKeys.newContext(target);
        ClientSession session = null;
        try {
            session = client.connect(target.user(), target.host(), target.port(), context, null)
                    .verify(timeout).getSession();
            session.auth().verify(timeout);
            return session;
        } catch (IOException | UnresolvedAddressException e) {
            RuntimeException failure = failure(target, context, session != null, e);
            if (session != null) {
                session.close(true);
            }
            throw failure;
        }
    }

    /**
     * What went wrong, host key refusals first: a refused key can fail the connection before
     * MINA has even handed over the session.
     */
    private RuntimeException failure(SshTarget target, AttributeRepository context, boolean connected, Exception e) {
        var refusal = StrictHostKeys.refusal(context);
        if (refusal.isPresent()) {
            return refusal.get().toException(target, knownHosts);
        }
        if (!connected) {
            return new HostUnreachableException(target, "cannot connect to " + target + ": "
                    + Failures.reason(e, timeout), e);
        }
        if (noMoreAuthMethods(e)) {
            return new HostUnreachableException(target, "authentication failed for " + target
                    + " with key " + identityFile + ": the host does not accept it", e);
        }
        return new HostUnreachableException(target, "cannot log in to " + target + ": "
                + Failures.reason(e, timeout), e);
    }

    private static boolean noMoreAuthMethods(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SshException ssh
                    && ssh.getDisconnectCode() == SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        client.stop();
    }
}
