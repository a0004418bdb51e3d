package io.trueup.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.AppEnv;
import io.trueup.desired.HostAddress;
import io.trueup.desired.ReleaseId;
import io.trueup.desired.Sha;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollout's record as the hosts of a batch change it at once: each change is in the state
 * directory when it returns, and changes made during a write go together in the next.
 */
class RolloutProgressTest {

    private static final AppEnv ID = new AppEnv("hello", "prod");
    private static final ReleaseId OLD = ReleaseId.of(new Sha("a".repeat(40)));
    private static final ReleaseId NEW = ReleaseId.of(new Sha("b".repeat(40)));
    private static final List<HostAddress> HOSTS = IntStream.rangeClosed(1, 10)
            .mapToObj(i -> HostAddress.parse("web" + i)).toList();

    @TempDir
    Path dir;

    /** The state directory's store, counting its writes; the first one waits for {@code first}. */
    private static final class Counting implements RolloutStore {
        final RolloutStore files;
        final AtomicInteger saves = new AtomicInteger();
        final CountDownLatch writing = new CountDownLatch(1);
        final CountDownLatch first = new CountDownLatch(1);
        volatile RuntimeException failure;

        Counting(Path dir) {
            files = new FileRolloutStore(dir);
        }

        @Override
        public Optional<RolloutRecord> get(AppEnv id) {
            return files.get(id);
        }

        @Override
        public RolloutRecord save(RolloutRecord record) {
            if (saves.getAndIncrement() == 1) { // the first save of a change (the 0th starts the rollout)
                writing.countDown();
                try {
                    assertTrue(first.await(30, TimeUnit.SECONDS), "the test never let the first write end");
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (failure != null) {
                throw failure;
            }
            return files.save(record);
        }

        @Override
        public boolean abort(AppEnv id) {
            return files.abort(id);
        }

        @Override
        public void remove(AppEnv id) {
            files.remove(id);
        }

        @Override
        public void retain(Set<AppEnv> present) {
            files.retain(present);
        }
    }

    private static RolloutRecord start(RolloutStore store) {
        return store.save(RolloutRecord.start(ID, "rev1", "key1", Instant.parse("2026-12-07T12:00:00Z"),
                List.of(HOSTS), host -> NEW));
    }

    private static void started(RolloutProgress progress, HostAddress host) {
        progress.host(host, p -> p.started(Optional.of(OLD), Optional.empty()));
    }

    @Test
    void hostsThatStartDuringAWriteAreSavedTogetherAndEachReturnsOnceItsStartIsOnDisk() throws Exception {
        Counting store = new Counting(dir);
        RolloutProgress progress = new RolloutProgress(store, start(store));
        List<HostAddress> onDiskWhenReturned = new ArrayList<>();
        List<Future<?>> hosts = new ArrayList<>();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            hosts.add(workers.submit(() -> started(progress, HOSTS.get(0))));
            assertTrue(store.writing.await(30, TimeUnit.SECONDS), "the first host's start was never written");
            Set<Thread> waiting = ConcurrentHashMap.newKeySet();
            for (HostAddress host : HOSTS.subList(1, HOSTS.size())) {
                hosts.add(workers.submit(() -> {
                    waiting.add(Thread.currentThread());
                    started(progress, host);
                    // What a restarted trueup would read: the state directory, not this progress.
                    if (new FileRolloutStore(dir).get(ID).orElseThrow().host(host).phase() == Phase.PREPARING) {
                        synchronized (onDiskWhenReturned) {
                            onDiskWhenReturned.add(host);
                        }
                    }
                }));
            }
            awaitParked(waiting, HOSTS.size() - 1);
            store.first.countDown();
            for (Future<?> host : hosts) {
                host.get(30, TimeUnit.SECONDS);
            }
        }

        assertEquals(HOSTS.size() - 1, onDiskWhenReturned.size(), "hosts whose start was on disk when it returned");
        RolloutRecord read = new FileRolloutStore(dir).get(ID).orElseThrow();
        assertEquals(HOSTS.size(), read.in(Phase.PREPARING).size(), read.toString());
        // The rollout's start, the first host's, then the nine that came during it in one write.
        assertEquals(3, store.saves.get());
        assertEquals(read, progress.record());
    }

    @Test
    void inOneWriteAChangeThatCannotBeMadeFailsAloneAndAFailedWriteFailsEveryChangeItHeld() throws Exception {
        Counting store = new Counting(dir);
        RolloutProgress progress = new RolloutProgress(store, start(store));
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> first = workers.submit(() -> started(progress, HOSTS.get(0)));
            assertTrue(store.writing.await(30, TimeUnit.SECONDS), "the first host's start was never written");
            Set<Thread> waiting = ConcurrentHashMap.newKeySet();
            Future<?> second = workers.submit(() -> {
                waiting.add(Thread.currentThread());
                started(progress, HOSTS.get(1));
            });
            Future<?> broken = workers.submit(() -> {
                waiting.add(Thread.currentThread());
                progress.change(r -> {
                    throw new IllegalArgumentException("a change that cannot be made");
                });
            });
            awaitParked(waiting, 2);
            store.first.countDown();
            first.get(30, TimeUnit.SECONDS);
            second.get(30, TimeUnit.SECONDS);
            java.util.concurrent.ExecutionException thrown = assertThrows(
                    java.util.concurrent.ExecutionException.class, () -> broken.get(30, TimeUnit.SECONDS));
            assertTrue(thrown.getCause() instanceof IllegalArgumentException, thrown.toString());
        }
        assertEquals(3, store.saves.get(), "the rollout's start, the first host's, the second's");
        assertEquals(Phase.PREPARING, new FileRolloutStore(dir).get(ID).orElseThrow().host(HOSTS.get(1)).phase());

        Counting failing = new Counting(dir.resolve("failing"));
        RolloutRecord begun = start(failing);
        RolloutProgress again = new RolloutProgress(failing, begun);
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> hosts = new ArrayList<>();
            hosts.add(workers.submit(() -> started(again, HOSTS.get(0))));
            assertTrue(failing.writing.await(30, TimeUnit.SECONDS), "the first host's start was never written");
            Set<Thread> waiting = ConcurrentHashMap.newKeySet();
            for (HostAddress host : HOSTS.subList(1, 4)) {
                hosts.add(workers.submit(() -> {
                    waiting.add(Thread.currentThread());
                    started(again, host);
                }));
            }
            awaitParked(waiting, 3);
            failing.failure = new IllegalStateException("disk full");
            failing.first.countDown();
            for (Future<?> host : hosts) {
                java.util.concurrent.ExecutionException thrown = assertThrows(
                        java.util.concurrent.ExecutionException.class, () -> host.get(30, TimeUnit.SECONDS));
                assertEquals("disk full", thrown.getCause().getMessage());
            }
        }
        assertSame(begun, again.record(), "no start was kept");
        assertEquals(0, new FileRolloutStore(dir.resolve("failing")).get(ID).orElseThrow().in(Phase.PREPARING).size());
    }

    @Test
    void howTheHostsOfABatchEndedIsOneWrite() {
        Counting store = new Counting(dir);
        store.first.countDown();
        RolloutProgress progress = new RolloutProgress(store, start(store));
        HOSTS.subList(0, 3).forEach(host -> started(progress, host));
        int before = store.saves.get();

        progress.settle(List.of(
                new HostOutcome.Deployed(HOSTS.get(0), NEW, List.of("switch", "restart"), Duration.ZERO, List.of()),
                new HostOutcome.Deployed(HOSTS.get(1), NEW, List.of("switch", "restart"), Duration.ZERO, List.of()),
                new HostOutcome.Failed(HOSTS.get(2), "restart", "exit 1", "", false, Optional.empty())));

        assertEquals(before + 1, store.saves.get(), "three hosts' ends, one write");
        RolloutRecord read = new FileRolloutStore(dir).get(ID).orElseThrow();
        assertEquals(List.of(Phase.HEALTHY, Phase.HEALTHY, Phase.FAILED),
                HOSTS.subList(0, 3).stream().map(h -> read.host(h).phase()).toList());
        assertEquals(read, progress.record());
    }

    /** Waits until {@code count} threads have come and none of them runs: they wait for the write. */
    private static void awaitParked(Set<Thread> threads, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (threads.size() < count || threads.stream().anyMatch(t -> t.getState() == Thread.State.RUNNABLE)) {
            assertTrue(System.nanoTime() < deadline, "the hosts never came to wait for the write");
            Thread.sleep(5);
        }
    }

    @Test
    void aChangeWhoseWriteFailsThrowsAndIsNotKept() {
        Counting store = new Counting(dir);
        RolloutRecord begun = start(store);
        RolloutProgress progress = new RolloutProgress(store, begun);
        store.first.countDown();
        store.failure = new IllegalStateException("disk full");

        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> started(progress, HOSTS.get(0)));

        assertEquals("disk full", thrown.getMessage());
        assertSame(begun, progress.record());
        store.failure = null;
        started(progress, HOSTS.get(1));
        RolloutRecord read = new FileRolloutStore(dir).get(ID).orElseThrow();
        assertEquals(Phase.PENDING, read.host(HOSTS.get(0)).phase(), "the start whose write failed");
        assertEquals(Phase.PREPARING, read.host(HOSTS.get(1)).phase());
    }

    @Test
    void aChangeThatCannotBeMadeThrowsAndWritesNothing() {
        Counting store = new Counting(dir);
        RolloutRecord begun = start(store);
        RolloutProgress progress = new RolloutProgress(store, begun);
        store.first.countDown();

        assertThrows(IllegalArgumentException.class, () -> progress.change(r -> {
            throw new IllegalArgumentException("a change that cannot be made");
        }));

        assertEquals(1, store.saves.get(), "writes: the rollout's start only");
        assertSame(begun, progress.record());
    }
}
