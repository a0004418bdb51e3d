package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.AppEnv;
import io.trueup.store.Leases;
import io.trueup.support.Fleet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica's reconcile of one app/environment, as the replicas' scheduler runs it: under the
 * lease, and never giving up the lease of a reconcile still running on this replica when the
 * scheduler runs the same job again here (Quartz does, when it took this replica to be gone).
 */
@Timeout(180)
class ReconcileHereTest {

    @TempDir
    Path dir;

    Fleet fleet;
    final RecordingLeases leases = new RecordingLeases();

    /** Leases always granted, each call noted. */
    static final class RecordingLeases implements Leases {
        final List<String> calls = new ArrayList<>();

        @Override
        public synchronized boolean hold(AppEnv id, Duration ttl) {
            calls.add("hold");
            return true;
        }

        @Override
        public synchronized void release(AppEnv id) {
            calls.add("release");
        }

        @Override
        public Optional<Lease> holder(AppEnv id) {
            return Optional.empty();
        }

        @Override
        public String replica() {
            return "r1";
        }

        synchronized long releases() {
            return calls.stream().filter("release"::equals).count();
        }
    }

    /** The replicas' scheduler, as far as this replica tells it anything: the later fires noted. */
    static final class NoReplicas implements Replicas {
        final List<Instant> later = new ArrayList<>();

        @Override
        public void schedule(Set<AppEnv> ids, boolean prune) {
        }

        @Override
        public void fire(AppEnv id) {
        }

        @Override
        public synchronized void fireAt(AppEnv id, Instant at) {
            later.add(at);
        }
    }

    final NoReplicas replicas = new NoReplicas();

    @BeforeEach
    void fleet() throws IOException {
        fleet = new Fleet(dir, 1, Map.of());
        fleet.leases = leases;
        fleet.startController();
        fleet.reconciler.distribute(replicas);
    }

    @AfterEach
    void close() throws IOException {
        Files.deleteIfExists(dir.resolve("block"));
        fleet.close();
    }

    @Test
    void aReplicaBehindTheDesiredStateAnotherFetchedActsOnNothingAndTriesAgainSoon() throws Exception {
        String sha = fleet.app.head();
        fleet.deploy(sha, "");
        // Another replica fetched a revision this one cannot get (its fetch fails, say), later than its own.
        String other = "ab".repeat(20);
        fleet.reconciler.startOnce();
        fleet.board.updateDesired(d -> new io.trueup.status.DesiredStateStatus(d.url(), d.branch(),
                Optional.of(other), Optional.of(Instant.now().plus(Duration.ofHours(1))), d.error(), d.problems()));

        fleet.reconciler.reconcileHere(Fleet.ID);

        assertEquals(List.of(), leases.calls, "no lease taken: nothing done with the older desired state");
        assertEquals("", fleet.currentSha(0), "nothing deployed");
        assertEquals(1, replicas.later.size(), "tried again later");
    }

    @Test
    void aSecondRunOfTheSameJobLeavesTheRunningReconcileAndItsLeaseAlone() throws Exception {
        Path block = dir.resolve("block");
        Path restarting = dir.resolve("restarting");
        // The restart blocks while the file "block" exists (60 s at most), once it has said so.
        String blocking = "\"$HOME/restarts\"; if [ -e %1$s ]; then touch %2$s; i=0; while [ -e %1$s ] && [ $i -lt 600 ];"
                + " do sleep 0.1; i=$((i+1)); done; fi\n";
        String sha = fleet.app.head();
        fleet.writeEnv(fleet.envYaml(sha, fleet.requirementsHash().toString(), "")
                .replace("\"$HOME/restarts\"\n", blocking.formatted(block, restarting)));
        Files.createFile(block);

        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> fleet.reconciler.reconcileHere(Fleet.ID));
        assertTrue(Fleet.within(Duration.ofSeconds(120), () -> Files.exists(restarting) || first.isDone()),
                "the deploy never got to its restart");
        assertTrue(Files.exists(restarting), "the first run ended early");

        fleet.reconciler.reconcileHere(Fleet.ID); // Quartz's second run, here: returns at once
        assertEquals(0, leases.releases(), "the lease of the running reconcile is kept: " + leases.calls);

        Files.delete(block);
        first.get(60, TimeUnit.SECONDS);
        assertEquals(sha, fleet.currentSha(0));
        assertEquals(1, leases.releases(), "given up once, by the run that took it: " + leases.calls);
        assertEquals("hold", leases.calls.get(0));
    }
}
