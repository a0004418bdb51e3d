package io.trueup.reconcile;

import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Starts a reconcile cycle every {@code trueup.poll-interval}: fetches desired state and
 * starts reconciling each app/environment not already being reconciled, without waiting for
 * rollouts, so fetches stay regular and apps independent.
 */
@Startup
@ApplicationScoped
public class ReconcileJob {

    @Inject
    Reconciler reconciler;

    /** Skipped while the application starts or stops: a run during shutdown only logged an error. */
    @Scheduled(every = "{trueup.poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void run() {
        reconciler.startOnce();
    }
}
