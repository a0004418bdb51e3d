package io.trueup.reconcile;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Runs a cycle (a fetch of desired state and the start of reconciles) soon after it is asked
 * to, on one background thread, coalescing bursts: when idle, a request starts a cycle at
 * once; while a cycle runs, any number of requests lead to exactly one more cycle after it,
 * so a change pushed during a cycle is always seen and a burst of webhooks costs one extra
 * fetch. A cycle that throws is logged and does not stop later ones.
 *
 * <p>Safe to call from any thread; {@link #request()} never blocks on a cycle.
 */
public final class Trigger implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Trigger.class);

    private final Runnable cycle;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "trueup-trigger");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong requests = new AtomicLong();
    private boolean running;
    private boolean pending;

    /** @param cycle what one cycle does; it runs on the trigger's own thread, never two at once */
    public Trigger(Runnable cycle) {
        this.cycle = cycle;
    }

    /** For the reconciler: each cycle fetches desired state and starts reconciles without waiting for them. */
    public static Trigger of(Reconciler reconciler) {
        return new Trigger(reconciler::startOnce);
    }

    /** Asks for a cycle: one starts now, or runs after the current one (once, however often asked). */
    public void request() {
        requests.incrementAndGet();
        synchronized (this) {
            if (running) {
                pending = true;
                return;
            }
            running = true;
        }
        try {
            thread.execute(this::loop);
        } catch (RejectedExecutionException e) {
            LOG.debug("trigger closed: request ignored");
            synchronized (this) {
                running = false;
            }
        }
    }

    /** How many times a cycle was asked for since start, each accepted request counted. */
    public long requests() {
        return requests.get();
    }

    private void loop() {
        do {
            try {
                cycle.run();
            } catch (RuntimeException e) {
                LOG.error("triggered reconcile cycle failed", e);
            }
        } while (takePending());
    }

    /** Whether another cycle is owed; when not, marks the trigger idle in the same step. */
    private synchronized boolean takePending() {
        if (pending) {
            pending = false;
            return true;
        }
        running = false;
        return false;
    }

    /** Takes no more requests; waits (bounded) for the cycles already owed to finish. */
    public void close(Duration wait) {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("a triggered reconcile cycle is still running after %s", wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
