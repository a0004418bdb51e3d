package io.trueup.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.sshd.common.NamedResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostKeyAlgorithmsTest {

    private static final List<String> DEFAULT_ORDER = List.of("ecdsa-sha2-nistp256-cert-v01@openssh.com",
            "ssh-ed25519-cert-v01@openssh.com", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ssh-ed25519",
            "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa");

    @TempDir
    Path dir;

    @Test
    void putsTheListedKeyTypesFirstKeepingTheDefaultOrderOfBothParts() {
        assertEquals(List.of("ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa",
                "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ssh-ed25519-cert-v01@openssh.com",
                "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384"),
                ordered(Set.of("ssh-rsa", "ssh-ed25519")));
    }

    @Test
    void keepsTheDefaultOrderWhenNothingIsListed() {
        assertEquals(DEFAULT_ORDER, ordered(Set.of()));
        assertEquals(DEFAULT_ORDER, ordered(Set.of("ssh-dss")));
    }

    @Test
    void readsTheKeyTypesOfThePlainLinesForTheHostAndPort() throws Exception {
        String ed25519 = SshKeys.publicKeyLine(SshFixture.newHostKey("ssh-ed25519").getPublic());
        String ecdsa = SshKeys.publicKeyLine(SshFixture.newHostKey("ecdsa-sha2-nistp256").getPublic());
        Path knownHosts = Files.writeString(dir.resolve("known_hosts"), String.join("\n",
                "[web1]:2222 " + ed25519,
                "web1,10.0.0.1 " + ecdsa,
                "web2 " + ed25519,
                "@revoked [web1]:2222 " + ecdsa,
                "@cert-authority * " + ecdsa,
                SshFixture.hashedHost("[10.0.0.1]:2222") + " " + ecdsa, ""));

        assertEquals(Set.of("ssh-ed25519"), HostKeyAlgorithms.listedKeyTypes(knownHosts, List.of("web1"), 2222));
        assertEquals(Set.of("ecdsa-sha2-nistp256"), HostKeyAlgorithms.listedKeyTypes(knownHosts, List.of("web1"), 22));
        assertEquals(Set.of("ssh-ed25519", "ecdsa-sha2-nistp256"),
                HostKeyAlgorithms.listedKeyTypes(knownHosts, List.of("web1", "10.0.0.1"), 2222));
        assertEquals(Set.of(), HostKeyAlgorithms.listedKeyTypes(knownHosts, List.of("web3"), 22));
    }

    @Test
    void listsNothingWhenKnownHostsIsMissing() {
        assertEquals(Set.of(), HostKeyAlgorithms.listedKeyTypes(dir.resolve("missing"), List.of("web1"), 22));
    }

    private static List<String> ordered(Set<String> listedTypes) {
        List<NamedResource> algorithms = DEFAULT_ORDER.stream().map(NamedResource::ofName).toList();
        return HostKeyAlgorithms.listedFirst(algorithms, listedTypes).stream().map(NamedResource::getName).toList();
    }
}
