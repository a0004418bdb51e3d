package io.trueup.ssh;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * Strict host key checking against one known_hosts file, with MINA's own parser (plain and
 * hashed entries, {@code [host]:port} patterns; the file is re-read when it changes). A key
 * the file does not list, or one that differs from the listed key, is refused, never learnt.
 * Each session proposes first the host key types the file lists for its host (see {@link
 * HostKeyAlgorithms}), so a host with several keys presents the listed one.
 *
 * <p>Each connection needs a context made by {@link #newContext}, naming its target. The reason
 * for a refusal is left there: unlike the session's own attributes, which MINA clears when the
 * refused session closes, the context outlives the session, so the caller can always read it
 * back with {@link #refusal}. Safe to use from many threads.
 */
final class StrictHostKeys {

    private static final AttributeKey<Check> CHECK = new AttributeKey<>();

    private final Path knownHosts;

    StrictHostKeys(Path knownHosts) {
        this.knownHosts = knownHosts;
    }

    /** The verifier to give the client. */
    ServerKeyVerifier verifier() {
        KnownHostsServerKeyVerifier verifier = new KnownHostsServerKeyVerifier(StrictHostKeys::refuseUnknown,
                knownHosts) {
            /**
             * MINA's names for the host (the addresses it connected to, as the JDK writes them:
             * {@code 0:0:0:0:0:0:0:1}), and the target's own, as desired state and OpenSSH write
             * it ({@code ::1}, canonical): without it an IPv6 host's line would never match.
             */
            @Override
            protected Collection<SshdSocketAddress> resolveHostNetworkIdentities(ClientSession session,
                    SocketAddress remote) {
                Collection<SshdSocketAddress> names = new ArrayList<>(super.resolveHostNetworkIdentities(session, remote));
                Check check = check(session);
                if (check != null) {
                    names.add(new SshdSocketAddress(check.target.host(), check.target.port()));
                }
                return names;
            }
        };
        verifier.setModifiedServerKeyAcceptor(StrictHostKeys::refuseChanged);
        return verifier;
    }

    /**
     * The listener to add to the client. MINA tells it of each new session before the session
     * starts, that is before it sends its identification and KEXINIT, so the order it sets is
     * the one proposed.
     */
    SessionListener hostKeyOrder() {
        return new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                preferListedKeyTypes(session);
            }
        };
    }

    /** A connection context to pass to {@code SshClient.connect}, for one connection to {@code target}. */
    static AttributeRepository newContext(SshTarget target) {
        return AttributeRepository.ofKeyValuePair(CHECK, new Check(target));
    }

    /** Why the host key of the connection made with {@code context} was refused, if it was. */
    static Optional<HostKeyRefusal> refusal(AttributeRepository context) {
        return Optional.ofNullable(context.getAttribute(CHECK)).map(check -> check.refusal.get());
    }

    private void preferListedKeyTypes(Session session) {
        Check check = check(session);
        if (check == null || !(session instanceof ClientSession client)) {
            return;
        }
        check.listedTypes = HostKeyAlgorithms.listedKeyTypes(knownHosts, hostNames(check.target, session),
                check.target.port());
        client.setSignatureFactories(HostKeyAlgorithms.listedFirst(client.getSignatureFactories(), check.listedTypes));
    }

    /** The target's name and the address it resolved to: the names the verifier looks up. */
    private static List<String> hostNames(SshTarget target, Session session) {
        List<String> names = new ArrayList<>(List.of(target.host()));
        SocketAddress remote = session.getIoSession().getRemoteAddress();
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            names.add(inet.getAddress().getHostAddress());
        }
        return names;
    }

    private static boolean refuseUnknown(ClientSession session, SocketAddress address, PublicKey sent) {
        Check check = check(session);
        if (check != null) {
            check.refusal.set(new HostKeyRefusal.Unknown(sent, check.listedTypes));
        }
        return false;
    }

    /**
     * MINA calls this for any listed key of the host when none equals the sent one, whatever its
     * type. A listed key of another type means the host offered none of the listed types (it
     * would have been proposed first): that is an unknown key, not a changed one.
     */
    private static boolean refuseChanged(ClientSession session, SocketAddress address, KnownHostEntry entry,
            PublicKey listed, PublicKey sent) {
        Check check = check(session);
        if (check != null) {
            check.refusal.set(changedOrUnknown(check, listed, sent));
        }
        return false;
    }

    private static HostKeyRefusal changedOrUnknown(Check check, PublicKey listed, PublicKey sent) {
        String listedType = KeyUtils.getKeyType(listed);
        if (listedType == null || listedType.equals(KeyUtils.getKeyType(sent))
                || check.listedTypes.contains(KeyUtils.getKeyType(sent))) {
            return new HostKeyRefusal.Changed(listed, sent);
        }
        return new HostKeyRefusal.Unknown(sent, check.listedTypes.isEmpty() ? Set.of(listedType) : check.listedTypes);
    }

    private static Check check(Session session) {
        AttributeRepository context = session instanceof ClientSession client ? client.getConnectionContext() : null;
        return context == null ? null : context.getAttribute(CHECK);
    }

    /** One connection's host key check: its target, the key types listed for it, the refusal if any. */
    private static final class Check {
        final SshTarget target;
        final AtomicReference<HostKeyRefusal> refusal = new AtomicReference<>();
        volatile Set<String> listedTypes = Set.of();

        Check(SshTarget target) {
            this.target = target;
        }
    }
}
