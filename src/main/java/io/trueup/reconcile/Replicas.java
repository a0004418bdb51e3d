package io.trueup.reconcile;

import io.trueup.desired.AppEnv;
import java.time.Instant;
import java.util.Set;

/**
 * Where reconciles run when trueup has replicas ({@code trueup.store=postgresql}): a scheduler
 * shared by them (clustered Quartz) runs each app/environment's reconcile on one replica at a time,
 * every {@code trueup.poll-interval} and whenever it is fired, and moves it when a replica is gone.
 * Whichever replica it picks calls {@link Reconciler#reconcileHere}.
 */
public interface Replicas {

    /**
     * Keeps one reconcile schedule for each of {@code ids}; with {@code prune}, none for other
     * app/environments (only a replica whose desired state is the newest any has seen prunes: an
     * older one would drop the schedules of app/environments it does not know yet).
     */
    void schedule(Set<AppEnv> ids, boolean prune);

    /** Has {@code id} reconciled now, or right after the reconcile of it running somewhere ends. */
    void fire(AppEnv id);

    /** Has {@code id} reconciled at {@code at}: the end of its rollout's wait, or of another's lease. */
    void fireAt(AppEnv id, Instant at);
}
