package io.trueup.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.support.Signers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code trueup.desired-state.verify=gpg}, the desired-state source reads a newest commit
 * only when an OpenPGP key of the keyring file signed it, a key neither revoked nor expired; else
 * the commit last accepted, with why the newest was refused. Real keys from {@code gpg}, commits
 * signed by {@code git commit -S}.
 */
@Timeout(120)
class OpenPgpSignedCommitsTest {

    @TempDir
    Path tmp;

    Signers.Gpg gpg;
    WorkingRepo desired;
    Path keyring;
    String aliceKey;
    GitSsh ssh;
    GitDesiredStateSource source;

    @BeforeEach
    void setUp() throws Exception {
        gpg = Signers.gpg(tmp.resolve("g"));
        aliceKey = gpg.newKey("alice@example.com", "1y");
        gpg.newKey("mallory@example.com", "0");
        keyring = gpg.export(tmp.resolve("keyring.gpg"), "alice@example.com");
        desired = WorkingRepo.open(Files.createDirectories(tmp.resolve("desired")));
        ssh = new GitSsh(Optional.empty(), Optional.empty(), tmp.resolve("state"));
    }

    @AfterEach
    void tearDown() {
        if (source != null) {
            source.close();
        }
        ssh.close();
        gpg.close();
    }

    @Test
    void aCommitSignedByAKeyOfTheKeyringIsRead() throws Exception {
        String signed = commit("one", "alice@example.com");

        Snapshot snapshot = source(Clock.systemUTC()).fetch();

        assertEquals(signed, snapshot.revision());
        assertEquals(Optional.empty(), snapshot.untrusted());
    }

    @Test
    void aCommitSignedByAKeyNotInTheKeyringIsRefusedAndTheAcceptedOneRead() throws Exception {
        String accepted = commit("one", "alice@example.com");
        source(Clock.systemUTC()).fetch();
        String unknown = commit("two", "mallory@example.com");

        Snapshot snapshot = source.fetch();

        assertEquals(accepted, snapshot.revision());
        String why = snapshot.untrusted().orElseThrow();
        assertTrue(why.startsWith("untrusted commit " + unknown
                + ": signed by a key not in trueup.desired-state.gpg-keyring (key "), why);
    }

    @Test
    void aKeyRevokedInTheKeyringSignsNothingMore() throws Exception {
        commit("one", "alice@example.com");
        source(Clock.systemUTC()).fetch();
        String byRevoked = commit("two", "alice@example.com"); // gpg signs nothing with a revoked key: sign first
        gpg.revoke(aliceKey);
        gpg.export(keyring, "alice@example.com");

        Snapshot snapshot = source.fetch();

        assertEquals(Optional.of("untrusted commit " + byRevoked + ": signed by a revoked key (key "
                + aliceKey.substring(24) + ")"), snapshot.untrusted());
    }

    @Test
    void aKeyExpiredByNowSignsNothing() throws Exception {
        String signed = commit("one", "alice@example.com");
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(800)), ZoneOffset.UTC);

        UntrustedCommitException refused = assertThrows(UntrustedCommitException.class,
                () -> source(later).fetch());

        assertTrue(refused.getMessage().startsWith("untrusted commit " + signed + ": signed by an expired key (key "
                + aliceKey.substring(24) + "): it expired at "), refused.getMessage());
    }

    @Test
    void anSshSignatureIsNotAnOpenPgpOne() throws Exception {
        Path key = Signers.newKey(tmp, "alice");
        Files.writeString(desired.dir().resolve("file"), "one");
        desired.commitAll("one");
        String head = Signers.signHead(desired.dir(), key);

        UntrustedCommitException refused = assertThrows(UntrustedCommitException.class,
                () -> source(Clock.systemUTC()).fetch());

        assertTrue(refused.getMessage().startsWith("untrusted commit " + head
                + ": not signed with an OpenPGP key (trueup.desired-state.verify=gpg)"), refused.getMessage());
    }

    private String commit(String content, String signer) throws Exception {
        Files.writeString(desired.dir().resolve("file"), content);
        desired.commitAll(content);
        return gpg.signHead(desired.dir(), signer);
    }

    private GitDesiredStateSource source(Clock clock) {
        source = new GitDesiredStateSource(desired.dir().toString(), "main", Optional.empty(),
                tmp.resolve("state/desired.git"), ssh, SignedCommits.gpg(keyring, clock));
        return source;
    }
}
