package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.git.SignedCommits;
import io.trueup.reconcile.ReconcileObserver.PollFailure;
import io.trueup.status.SyncStatus;
import io.trueup.support.Fleet;
import io.trueup.support.Signers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code trueup.desired-state.verify=ssh}, only a newest desired-state commit signed by an
 * allowed, unrevoked key deploys; any other leaves the host at the commit last accepted and is
 * reported in the status and the poll-failure count: real commits signed by {@code git commit -S}
 * with ed25519 keys from {@code ssh-keygen}, a host served by MINA's SSH server.
 */
@Timeout(180)
class SignedDesiredStateIntegrationTest {

    @TempDir
    Path dir;

    Fleet fleet;
    Path alice;
    Path bob;
    Path allowed;
    Path revoked;
    final AtomicInteger untrusted = new AtomicInteger();

    @BeforeEach
    void fleet() throws Exception {
        fleet = new Fleet(dir, 1, Map.of());
        Path keys = Files.createDirectories(dir.resolve("keys"));
        alice = Signers.newKey(keys, "alice");
        bob = Signers.newKey(keys, "bob");
        allowed = Files.writeString(keys.resolve("allowed_signers"),
                Signers.allowed("alice@example.com", alice) + Signers.allowed("bob@example.com", bob));
        revoked = Files.writeString(keys.resolve("revoked_signers"), "");
        fleet.observer = new ReconcileObserver() {
            @Override
            public void pollFailed(PollFailure reason) {
                if (reason == PollFailure.UNTRUSTED) {
                    untrusted.incrementAndGet();
                }
            }
        };
        fleet.startController(SignedCommits.ssh(allowed, Optional.of(revoked)));
    }

    @AfterEach
    void close() {
        fleet.close();
    }

    @Test
    void aCommitSignedByAnAllowedKeyDeploys() throws Exception {
        String sha = fleet.app.head();
        fleet.deploy(sha, "");
        String signed = Signers.signHead(fleet.desired.dir(), alice);

        fleet.reconciler.runOnce();

        assertEquals(sha, fleet.currentSha(0));
        assertEquals(SyncStatus.Synced, fleet.status().status(), () -> "status: " + fleet.status());
        assertEquals(Optional.of(signed), fleet.board.desired().revision());
        assertEquals(Optional.empty(), fleet.board.desired().error());
        assertEquals(0, untrusted.get());
    }

    @Test
    void anUnsignedCommitIsRefusedAndReportedUntilASignedOneDeploys() throws Exception {
        String first = fleet.app.head();
        fleet.deploy(first, "");
        String accepted = Signers.signHead(fleet.desired.dir(), alice);
        fleet.reconciler.runOnce();
        assertEquals(first, fleet.currentSha(0));

        String second = fleet.commitApp("app.py", "# a change\n");
        String unsigned = fleet.deploy(second, "");
        fleet.reconciler.runOnce();

        assertEquals(first, fleet.currentSha(0), "an unsigned commit deploys nothing");
        assertEquals(Optional.of("untrusted commit " + unsigned + ": not signed"), fleet.board.desired().error());
        assertEquals(Optional.of(accepted), fleet.board.desired().revision());
        assertEquals(1, untrusted.get());

        Signers.signHead(fleet.desired.dir(), bob);
        fleet.reconciler.runOnce();

        assertEquals(second, fleet.currentSha(0), "a later signed commit deploys");
        assertEquals(Optional.empty(), fleet.board.desired().error());
        assertEquals(1, untrusted.get());
    }

    @Test
    void aCommitSignedByAnUnknownKeyDeploysNothing() throws Exception {
        Path mallory = Signers.newKey(dir.resolve("keys"), "mallory");
        fleet.deploy(fleet.app.head(), "");
        String head = Signers.signHead(fleet.desired.dir(), mallory);

        fleet.reconciler.runOnce();

        assertEquals("", fleet.currentSha(0));
        assertEquals(0, fleet.server(0).commandsRun(), "no command reached the host");
        String error = fleet.board.desired().error().orElseThrow();
        assertTrue(error.startsWith("untrusted commit " + head + ": signed by a key not in"
                + " trueup.desired-state.allowed-signers (key SHA256:"), error);
        assertTrue(error.endsWith("is accepted yet, so nothing is deployed from it"), error);
        assertTrue(fleet.board.apps().isEmpty(), () -> "apps: " + fleet.board.apps());
        assertEquals(1, untrusted.get());
    }

    @Test
    void aKeyRevokedAfterItWasAcceptedSignsNothingMore() throws Exception {
        String first = fleet.app.head();
        fleet.deploy(first, "");
        Signers.signHead(fleet.desired.dir(), alice);
        fleet.reconciler.runOnce();
        assertEquals(first, fleet.currentSha(0));

        Files.writeString(revoked, Signers.publicKey(alice) + "\n", StandardOpenOption.APPEND);
        String second = fleet.commitApp("app.py", "# a change\n");
        fleet.deploy(second, "");
        String byRevoked = Signers.signHead(fleet.desired.dir(), alice);
        fleet.reconciler.runOnce();

        assertEquals(first, fleet.currentSha(0), "the revoked key's commit deploys nothing");
        String error = fleet.board.desired().error().orElseThrow();
        assertTrue(error.startsWith("untrusted commit " + byRevoked + ": signed by a revoked key"), error);

        Signers.signHead(fleet.desired.dir(), bob);
        fleet.reconciler.runOnce();

        assertEquals(second, fleet.currentSha(0));
        assertEquals(Optional.empty(), fleet.board.desired().error());
    }

    @Test
    void aForcePushBackToAnOlderSignedCommitTakesNoHostBack() throws Exception {
        String first = fleet.app.head();
        fleet.deploy(first, "");
        String older = Signers.signHead(fleet.desired.dir(), alice);
        fleet.reconciler.runOnce();
        String second = fleet.commitApp("app.py", "# a change\n");
        fleet.deploy(second, "");
        String accepted = Signers.signHead(fleet.desired.dir(), alice);
        fleet.reconciler.runOnce();
        assertEquals(second, fleet.currentSha(0));

        Signers.git(fleet.desired.dir(), "reset", "-q", "--hard", older);
        fleet.reconciler.runOnce();

        assertEquals(second, fleet.currentSha(0), "the older signed commit deploys nothing");
        assertEquals(Optional.of("untrusted commit " + older + ": does not descend from " + accepted
                + ", the commit last accepted"), fleet.board.desired().error());
        assertEquals(Optional.of(accepted), fleet.board.desired().revision());
        assertEquals(1, untrusted.get());
    }

    @Test
    void aRestartKeepsTheLastAcceptedCommitWhileTheNewestIsUntrusted() throws Exception {
        String first = fleet.app.head();
        fleet.deploy(first, "");
        String accepted = Signers.signHead(fleet.desired.dir(), alice);
        fleet.reconciler.runOnce();
        String unsigned = fleet.deploy(fleet.commitApp("app.py", "# a change\n"), "");

        fleet.startController(SignedCommits.ssh(allowed, Optional.of(revoked)));
        fleet.reconciler.runOnce();

        assertEquals(first, fleet.currentSha(0));
        assertEquals(SyncStatus.Synced, fleet.status().status(), () -> "status: " + fleet.status());
        assertEquals(Optional.of(accepted), fleet.board.desired().revision());
        assertEquals(Optional.of("untrusted commit " + unsigned + ": not signed"), fleet.board.desired().error());
    }

    @Test
    void aLastValidStateOutsideTheAcceptedHistoryIsNotBroughtBack() throws Exception {
        fleet.startController(SignedCommits.none());
        String first = fleet.app.head();
        fleet.deploy(first, "");
        fleet.reconciler.runOnce();
        assertEquals(first, fleet.currentSha(0));
        Signers.git(fleet.desired.dir(), "checkout", "-q", "--orphan", "rewritten");
        fleet.writeEnv(fleet.envYaml(first, "sha256:" + "0".repeat(64), "")); // invalid
        Signers.git(fleet.desired.dir(), "branch", "-M", "rewritten", "main");
        Signers.signHead(fleet.desired.dir(), alice);
        int before = fleet.server(0).commandsRun();

        fleet.startController(SignedCommits.ssh(allowed, Optional.of(revoked)));
        fleet.reconciler.runOnce();

        assertEquals(SyncStatus.Invalid, fleet.status().status(), () -> "status: " + fleet.status());
        String error = fleet.status().error().orElseThrow();
        assertTrue(error.contains("is neither the desired-state commit last accepted"
                + " (trueup.desired-state.verify=ssh) nor one before it"), error);
        assertEquals(before, fleet.server(0).commandsRun(), "no command reached the host");
    }

    @Test
    void switchingVerificationOffAndOnAgainForgetsTheCommitAcceptedBefore() throws Exception {
        String first = fleet.app.head();
        fleet.deploy(first, "");
        Signers.signHead(fleet.desired.dir(), alice);
        fleet.reconciler.runOnce();
        fleet.startController(SignedCommits.none());
        String second = fleet.commitApp("app.py", "# a change\n");
        fleet.deploy(second, "");
        fleet.reconciler.runOnce();
        assertEquals(second, fleet.currentSha(0), "without verification an unsigned commit deploys");

        fleet.startController(SignedCommits.ssh(allowed, Optional.of(revoked)));
        fleet.reconciler.runOnce();

        assertEquals(second, fleet.currentSha(0), "no older accepted commit takes the host back");
        assertFalse(fleet.board.desired().error().isEmpty());
        assertTrue(fleet.board.desired().error().get().endsWith("so nothing is deployed from it"),
                fleet.board.desired().error().get());
    }
}
