package io.trueup.ssh;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;

/**
 * Strict host key checking against one known_hosts file, with MINA's own parser (plain and
 * hashed entries, {@code [host]:port} patterns; the file is re-read when it changes). A key
 * the file does not list, or one that differs from the listed key, is refused, never learnt.
 *
 * <p>The reason for a refusal is left in the connection context made by {@link #newContext()}:
 * unlike the session's own attributes, which MINA clears when the refused session closes, the
 * context outlives the session, so the caller can always read it back with {@link #refusal}.
 */
final class StrictHostKeys {

    private static final AttributeKey<AtomicReference<HostKeyRefusal>> REFUSAL = new AttributeKey<>();

    private StrictHostKeys() {
    }

    static ServerKeyVerifier verifier(Path knownHosts) {
        KnownHostsServerKeyVerifier verifier = new KnownHostsServerKeyVerifier(StrictHostKeys::refuseUnknown, knownHosts);
        verifier.setModifiedServerKeyAcceptor(StrictHostKeys::refuseChanged);
        return verifier;
    }

    /** A connection context to pass to {@code SshClient.connect}, for one connection. */
    static AttributeRepository newContext() {
        return AttributeRepository.ofKeyValuePair(REFUSAL, new AtomicReference<>());
    }

    /** Why the host key of the connection made with {@code context} was refused, if it was. */
    static Optional<HostKeyRefusal> refusal(AttributeRepository context) {
        return Optional.ofNullable(context.getAttribute(REFUSAL)).map(AtomicReference::get);
    }

    private static boolean refuseUnknown(ClientSession session, SocketAddress address, PublicKey sent) {
        record(session, new HostKeyRefusal.Unknown(sent));
        return false;
    }

    private static boolean refuseChanged(ClientSession session, SocketAddress address, KnownHostEntry entry,
            PublicKey listed, PublicKey sent) {
        String listedType = entry == null || entry.getKeyEntry() == null ? null : entry.getKeyEntry().getKeyType();
        record(session, new HostKeyRefusal.Changed(listedType, listed, sent));
        return false;
    }

    private static void record(ClientSession session, HostKeyRefusal refusal) {
        AttributeRepository context = session.getConnectionContext();
        AtomicReference<HostKeyRefusal> slot = context == null ? null : context.getAttribute(REFUSAL);
        if (slot != null) {
            slot.set(refusal);
        }
    }
}
