package io.trueup.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.reconcile.RolloutHistory;
import io.trueup.store.PostgresState;
import io.trueup.support.Fleet;
import io.trueup.support.PostgresServer;
import io.trueup.support.ReplicaProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two trueup replicas, real processes, on one real PostgreSQL and a fleet of embedded SSH hosts:
 * one reconciles the app/environment at a time, and when the one running a rollout is killed
 * with SIGKILL mid-batch, the other resumes it from its record and finishes it.
 */
@Timeout(300)
class ReplicasIntegrationTest {

    @TempDir
    Path dir;

    PostgresServer postgres;
    Fleet fleet;
    final Map<String, Process> replicas = new HashMap<>();

    @BeforeEach
    void fleet() throws Exception {
        postgres = PostgresServer.migrated();
        fleet = new Fleet(dir, 2, Map.of());
    }

    @AfterEach
    void close() throws IOException {
        replicas.values().forEach(Process::destroyForcibly);
        Files.deleteIfExists(dir.resolve("block"));
        fleet.close();
        postgres.close();
    }

    private void start(String name) throws IOException {
        replicas.put(name, ReplicaProcess.start(dir, name, postgres, dir.resolve(name + ".log")));
    }

    private String logs() {
        StringBuilder all = new StringBuilder();
        for (String name : replicas.keySet()) {
            try {
                all.append("--- ").append(name).append(":\n").append(Files.readString(dir.resolve(name + ".log")));
            } catch (IOException e) {
                all.append("(no log of ").append(name).append(")\n");
            }
        }
        return all.toString();
    }

    private Optional<String> leaseHolder() {
        return postgres.queryOne("SELECT owner FROM trueup_leases WHERE app_env = ? AND expires > now()",
                Fleet.ID.toString());
    }

    /** Whether no rollout runs and {@code ended} have ended (their history written). */
    private boolean rolledOut(int ended) {
        return postgres.queryOne("SELECT count(*) FROM trueup_rollouts").orElse("").equals("0")
                && postgres.queryOne("SELECT count(*) FROM trueup_history").orElse("0").equals(Integer.toString(ended));
    }

    private List<String> restarts(int host) throws IOException {
        Path file = fleet.server(host).root().resolve("restarts");
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    @Test
    void aRolloutGoesOnOnTheOtherReplicaWhenTheOneRunningItIsKilled() throws Exception {
        String good = fleet.app.head();
        fleet.deploy(good, "");
        start("r1");
        start("r2");
        assertTrue(Fleet.within(Duration.ofSeconds(180), () -> good.equals(fleet.currentSha(0))
                && good.equals(fleet.currentSha(1)) && rolledOut(1)), this::logs);
        // One replica at a time: each host restarted once for the deploy, not once per replica.
        assertEquals(List.of(good), restarts(0), this::logs);
        assertEquals(List.of(good), restarts(1), this::logs);

        // The next release's restart blocks on host 0 while the file "block" exists (60 s at most).
        Path block = dir.resolve("block");
        Path restarting = dir.resolve("restarting");
        String blocking = "\"$HOME/restarts\"; if [ -e %1$s ]; then touch %2$s; i=0; while [ -e %1$s ] && [ $i -lt 600 ];"
                + " do sleep 0.1; i=$((i+1)); done; fi\n";
        String next = fleet.commitApp("NEXT", "the next release\n");
        Files.createFile(block);
        fleet.writeEnv(fleet.envYaml(next, fleet.requirementsHash().toString(), "")
                .replace("\"$HOME/restarts\"\n", blocking.formatted(block, restarting)));
        assertTrue(Fleet.within(Duration.ofSeconds(90), () -> Files.exists(restarting)), this::logs);
        String running = leaseHolder().orElseThrow(() -> new AssertionError("no replica holds the lease: " + logs()));
        Process killed = replicas.get(running);
        killed.destroyForcibly(); // SIGKILL, mid-batch: host 0 is restarting, host 1 not begun
        assertTrue(killed.waitFor(30, TimeUnit.SECONDS));
        long at = System.nanoTime();
        Files.delete(block); // the orphaned restart on host 0 ends, its lock's process with it

        assertTrue(Fleet.within(Duration.ofSeconds(120), () -> next.equals(fleet.currentSha(0))
                && next.equals(fleet.currentSha(1)) && rolledOut(2)), this::logs);
        System.out.printf("failover: the rollout finished %d ms after its replica was killed%n",
                (System.nanoTime() - at) / 1_000_000);
        String other = running.equals("r1") ? "r2" : "r1";
        RolloutHistory.Entry entry = PostgresState.of(postgres.dataSource(), "test",
                io.trueup.status.StatusBoard.initial(Optional.empty(), "main")).state().history()
                .recent(Fleet.ID).get(0);
        assertEquals(next, entry.sha(), entry.toString());
        assertTrue(entry.result().startsWith("succeeded"), entry + "\n" + logs());
        assertEquals(List.of(), fleet.leftovers(0), "no lock or temporary left on host 0");
        assertEquals(List.of(), fleet.leftovers(1), "no lock or temporary left on host 1");
        assertEquals(next, restarts(1).get(restarts(1).size() - 1), "host 1 restarted on the new release");
        assertNotEquals(running, other);
        assertTrue(Files.readString(dir.resolve(other + ".log")).contains("replica " + other + " started"));
    }
}
