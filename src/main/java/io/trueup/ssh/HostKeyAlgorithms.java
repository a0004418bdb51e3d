package io.trueup.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * Orders the host key algorithms a session proposes as OpenSSH's client does ({@code
 * order_hostkeyalgs} in sshconnect2.c): first those whose key type known_hosts lists for the
 * host, then the rest, each part in the client's default order. A host that has keys of several
 * types (most have ed25519, ECDSA and RSA) then presents the one the user listed, which is
 * usually the one OpenSSH negotiated when the line was written.
 *
 * <p>Only plain known_hosts lines count, matched with MINA's own {@link KnownHostEntry} (plain
 * and hashed names, {@code [host]:port} patterns, negations); {@code @cert-authority} and
 * {@code @revoked} lines are ignored, and certificate algorithms keep their default place in
 * the rest. Stateless; safe to call from any thread.
 */
final class HostKeyAlgorithms {

    private HostKeyAlgorithms() {
    }

    /**
     * The key types of the plain known_hosts lines that match any of {@code hostNames} on
     * {@code port}, in file order; none when the file is missing or cannot be read, in which
     * case host key checking, which reads it again, reports the problem.
     */
    static Set<String> listedKeyTypes(Path knownHosts, Collection<String> hostNames, int port) {
        if (!Files.exists(knownHosts)) {
            return Set.of();
        }
        List<KnownHostEntry> entries;
        try {
            entries = KnownHostEntry.readKnownHostEntries(knownHosts);
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
        Set<String> types = new LinkedHashSet<>();
        for (KnownHostEntry entry : entries) {
            if (entry.getMarker() == null && entry.getKeyEntry() != null && matches(entry, hostNames, port)) {
                types.add(entry.getKeyEntry().getKeyType());
            }
        }
        return types;
    }

    /**
     * {@code algorithms} with those of the given key types moved to the front, keeping the
     * relative order within both parts; {@code rsa-sha2-512}, {@code rsa-sha2-256} and {@code
     * ssh-rsa} all count as key type {@code ssh-rsa}.
     */
    static <A extends NamedResource> List<A> listedFirst(List<A> algorithms, Set<String> keyTypes) {
        List<A> ordered = new ArrayList<>(algorithms.size());
        List<A> rest = new ArrayList<>();
        for (A algorithm : algorithms) {
            (isOfType(algorithm.getName(), keyTypes) ? ordered : rest).add(algorithm);
        }
        ordered.addAll(rest);
        return ordered;
    }

    private static boolean isOfType(String algorithm, Set<String> keyTypes) {
        return !KeyUtils.isCertificateAlgorithm(algorithm) && keyTypes.contains(KeyUtils.getCanonicalKeyType(algorithm));
    }

    private static boolean matches(KnownHostEntry entry, Collection<String> hostNames, int port) {
        for (String name : hostNames) {
            if (entry.isHostMatch(name, port)) {
                return true;
            }
        }
        return false;
    }
}
