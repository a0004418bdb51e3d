package io.trueup.ssh;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Optional;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;

/**
 * Strict host key checking against one known_hosts file, with MINA's own parser (plain and
 * hashed entries, {@code [host]:port} patterns; the file is re-read when it changes). A key
 * the file does not list, or one that differs from the listed key, is refused, never learnt;
 * the refusal is kept on the session for {@link #refusal} to explain.
 */
final class StrictHostKeys {

    private static final AttributeKey<HostKeyRefusal> REFUSAL = new AttributeKey<>();

    private StrictHostKeys() {
    }

    static ServerKeyVerifier verifier(Path knownHosts) {
        KnownHostsServerKeyVerifier verifier = new KnownHostsServerKeyVerifier(StrictHostKeys::refuseUnknown, knownHosts);
        verifier.setModifiedServerKeyAcceptor(StrictHostKeys::refuseChanged);
        return verifier;
    }

    /** Why the session's host key was refused, if it was. */
    static Optional<HostKeyRefusal> refusal(ClientSession session) {
        return Optional.ofNullable(session.getAttribute(REFUSAL));
    }

    private static boolean refuseUnknown(ClientSession session, SocketAddress address, PublicKey sent) {
        session.setAttribute(REFUSAL, new HostKeyRefusal.Unknown(sent));
        return false;
    }

    private static boolean refuseChanged(ClientSession session, SocketAddress address, KnownHostEntry entry,
            PublicKey listed, PublicKey sent) {
        String listedType = entry == null || entry.getKeyEntry() == null ? null : entry.getKeyEntry().getKeyType();
        session.setAttribute(REFUSAL, new HostKeyRefusal.Changed(listedType, listed, sent));
        return false;
    }
}
