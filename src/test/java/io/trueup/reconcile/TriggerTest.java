package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TriggerTest {

    /** A cycle that counts its runs and holds each one until released. */
    private static final class HeldCycle implements Runnable {
        final AtomicInteger runs = new AtomicInteger();
        final AtomicInteger concurrent = new AtomicInteger();
        volatile int mostAtOnce;
        final Semaphore started = new Semaphore(0);
        final Semaphore release = new Semaphore(0);

        @Override
        public void run() {
            mostAtOnce = Math.max(mostAtOnce, concurrent.incrementAndGet());
            runs.incrementAndGet();
            started.release();
            try {
                release.tryAcquire(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                concurrent.decrementAndGet();
            }
        }
    }

    @Test
    void manyTriggersDuringACycleLeadToExactlyOneMoreCycle() throws Exception {
        HeldCycle cycle = new HeldCycle();
        Trigger trigger = new Trigger(cycle);
        trigger.request();
        assertTrue(cycle.started.tryAcquire(5, TimeUnit.SECONDS), "the first cycle starts");

        requestFromManyThreadsAtOnce(trigger, 32);
        cycle.release.release(100);
        trigger.close(Duration.ofSeconds(10));

        assertEquals(2, cycle.runs.get(), "one cycle, then exactly one for all 32 triggers during it");
        assertEquals(1, cycle.mostAtOnce, "cycles never overlap");
        assertEquals(33, trigger.requests());
    }

    @Test
    void aTriggerAfterTheCycleEndedStartsANewOne() throws Exception {
        HeldCycle cycle = new HeldCycle();
        cycle.release.release(100);
        Trigger trigger = new Trigger(cycle);
        trigger.request();
        assertTrue(cycle.started.tryAcquire(5, TimeUnit.SECONDS));
        awaitIdle(cycle, 1);

        trigger.request();
        assertTrue(cycle.started.tryAcquire(5, TimeUnit.SECONDS), "the second request is not lost");
        trigger.close(Duration.ofSeconds(10));
        assertEquals(2, cycle.runs.get());
    }

    @Test
    void aFailingCycleDoesNotStopLaterOnes() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch second = new CountDownLatch(1);
        Trigger trigger = new Trigger(() -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("fetch failed");
            }
            second.countDown();
        });
        trigger.request();
        trigger.request();
        assertTrue(second.await(5, TimeUnit.SECONDS), "a cycle runs after the failed one");
        trigger.close(Duration.ofSeconds(10));
    }

    private static void requestFromManyThreadsAtOnce(Trigger trigger, int n) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                    trigger.request();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(5_000);
        }
    }

    /** Waits until {@code runs} cycles ran and none is running (bounded). */
    private static void awaitIdle(HeldCycle cycle, int runs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((cycle.runs.get() < runs || cycle.concurrent.get() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(20);
    }
}
