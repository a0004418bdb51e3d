package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.config.Wiring;
import io.trueup.desired.AppEnv;
import io.trueup.git.AppMirrors;
import io.trueup.git.DesiredStateSource;
import io.trueup.git.GitSsh;
import io.trueup.git.Snapshot;
import io.trueup.render.SecretsDir;
import io.trueup.rollout.HostLock;
import io.trueup.status.AppStatus;
import io.trueup.status.DesiredStateStatus;
import io.trueup.status.StatusBoard;
import io.trueup.status.SyncStatus;
import io.trueup.support.FakeRemoteShell;
import io.trueup.support.Fleet;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A desired-state repository with more in it than trueup reads, and polls that fail in ways
 * nobody planned: what is wrong shows in the status and a metric, and every other app goes on.
 */
@Timeout(180)
class DesiredStateLimitsIntegrationTest {

    @TempDir
    Path dir;

    @Test
    void aSixtyMegabyteFileInOneAppMakesItInvalidNamingTheFileWhileAnotherAppDeploys() throws Exception {
        try (Fleet fleet = new Fleet(dir, 1, Map.of())) {
            Path huge = fleet.desired.dir().resolve("apps/big/test.yaml");
            Files.createDirectories(huge.getParent());
            try (OutputStream out = Files.newOutputStream(huge)) {
                byte[] line = ("# " + "x".repeat(1021) + "\n").getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < 60 * 1024; i++) {
                    out.write(line);
                }
            }
            String sha = fleet.app.head();
            fleet.deploy(sha, "");

            fleet.reconciler.runOnce();

            assertEquals(Optional.empty(), fleet.board.desired().error());
            assertEquals(SyncStatus.Synced, fleet.status().status(), () -> fleet.status().toString());
            assertEquals(sha, fleet.currentSha(0));
            AppStatus big = fleet.board.app(new AppEnv("big", "test")).orElseThrow();
            assertEquals(SyncStatus.Invalid, big.status());
            assertEquals(Optional.of("apps/big/test.yaml: is 62914560 bytes, more than the 1048576 bytes (1 MiB)"
                    + " trueup reads of a desired-state file: keep data out of apps/"), big.error());
            assertEquals(Optional.empty(), fleet.board.desired().error());
        }
    }

    /** A source whose every fetch fails as no code expects: a bug, or a library's own exception. */
    private static final class BrokenSource implements DesiredStateSource {
        final AtomicInteger fetches = new AtomicInteger();

        @Override
        public Snapshot fetch() {
            fetches.incrementAndGet();
            throw new IllegalStateException("the object database broke");
        }

        @Override
        public Snapshot read(String revision) {
            throw new IllegalStateException("the object database broke");
        }
    }

    @Test
    void aPollThatFailsUnexpectedlyShowsInTheStatusAndIsCountedByReasonEachTime() {
        BrokenSource source = new BrokenSource();
        List<ReconcileObserver.PollFailure> failures = new ArrayList<>();
        ReconcileObserver observer = new ReconcileObserver() {
            @Override
            public void pollFailed(PollFailure reason) {
                failures.add(reason);
            }
        };
        StatusBoard board = new StatusBoard(Optional.of("file:///desired"), "main");
        GitSsh ssh = new GitSsh(Optional.empty(), Optional.empty(), dir.resolve("state"));
        Reconciler reconciler = Wiring.reconciler(Optional.of(source), new FakeRemoteShell(),
                new AppMirrors(dir.resolve("state/mirrors"), ssh, Clock.systemUTC()),
                new SecretsDir(Optional.empty()), board, ControllerState.at(dir.resolve("state")), Clock.systemUTC(),
                new Wiring.Limits(4, Duration.ofMinutes(2), Duration.ofSeconds(30), "deploy",
                        HostLock.of(dir.resolve("state"), Duration.ofMinutes(30))), observer,
                new Wiring.Undeploying(false));

        reconciler.runOnce();
        reconciler.runOnce();

        DesiredStateStatus desired = board.desired();
        assertEquals(Optional.of("unexpected error while reading desired state: java.lang.IllegalStateException:"
                + " the object database broke; see trueup's log for its stack"), desired.error());
        assertEquals(2, source.fetches.get());
        assertEquals(List.of(ReconcileObserver.PollFailure.INTERNAL, ReconcileObserver.PollFailure.INTERNAL),
                failures);
        assertTrue(desired.revision().isEmpty());
    }
}
