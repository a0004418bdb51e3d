package io.trueup.reconcile;

import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.trueup.store.StoreException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Starts a reconcile cycle every {@code trueup.poll-interval}: fetches desired state and
 * starts reconciling each app/environment not already being reconciled, without waiting for
 * rollouts, so fetches stay regular and apps independent.
 */
@Startup
@ApplicationScoped
public class ReconcileJob {

    private static final Logger LOG = Logger.getLogger(ReconcileJob.class);

    @Inject
    Reconciler reconciler;

    /** Whether the last cycle found the database unreachable: said once, not at every poll. */
    private final AtomicBoolean storeDown = new AtomicBoolean();

    /** Skipped while the application starts or stops: a run during shutdown only logged an error. */
    @Scheduled(every = "{trueup.poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void run() {
        try {
            reconciler.startOnce();
            if (storeDown.compareAndSet(true, false)) {
                LOG.info("the database is back: this replica takes work again");
            }
        } catch (StoreException e) {
            if (storeDown.compareAndSet(false, true)) {
                LOG.errorf("%s; this replica takes no work until it is back (readiness is DOWN)", e.getMessage());
            }
        }
    }
}
