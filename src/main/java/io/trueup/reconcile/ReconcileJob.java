package io.trueup.reconcile;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Runs a reconcile cycle every {@code trueup.poll-interval}; a cycle still running makes the next one skip. */
@ApplicationScoped
public class ReconcileJob {

    @Inject
    Reconciler reconciler;

    @Scheduled(every = "{trueup.poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void run() {
        reconciler.runOnce();
    }
}
