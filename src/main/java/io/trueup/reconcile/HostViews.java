package io.trueup.reconcile;

import io.trueup.desired.AppEnv;
import io.trueup.desired.AppSpec;
import io.trueup.desired.HostAddress;
import io.trueup.desired.ReleaseId;
import io.trueup.observe.Inspection;
import io.trueup.observe.Inspector;
import io.trueup.observe.Observation;
import io.trueup.rollout.HostOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;

/**
 * What each host of an app/environment looks like, for a reconcile: inspected now, or recalled
 * from the last poll (or from what the last deploy's last command said of it) when desired state
 * has moved it since, or not inspected while it backs off after failures of the network, which it
 * counts. Thread-safe.
 */
final class HostViews {

    private static final Logger LOG = Logger.getLogger(HostViews.class);

    /** How long a reconcile waits for the inspections after its rollout. */
    static final Duration AFTER_ROLLOUT_WAIT = Duration.ofSeconds(5);

    private final Inspector inspector;
    private final HostRetries retries;
    private final Map<LastSeen.Key, LastSeen> lastSeen = new ConcurrentHashMap<>();

    HostViews(Inspector inspector, HostRetries retries) {
        this.inspector = inspector;
        this.retries = retries;
    }

    /** {@code host} failed for the network's sake in a deploy: it backs off, and is inspected afresh. */
    void failed(AppEnv id, HostAddress host, String error) {
        retries.failed(id, host, error);
        lastSeen.remove(new LastSeen.Key(id, host));
    }

    /** {@code host} is converged or deployed: its run of failures is over. */
    void succeeded(AppEnv id, HostAddress host) {
        retries.succeeded(id, host);
    }

    /** How many times in a row {@code host} has failed for the network's sake. */
    int attempts(AppEnv id, HostAddress host) {
        return retries.attempts(id, host);
    }

    /** Hosts of {@code id} that passed {@code threshold} failures in a row, or came back since: each once. */
    List<HostRetries.Change> changes(AppEnv id, int threshold) {
        return retries.changes(id, threshold);
    }

    /** Forgets what it saw of app/environments not in {@code present}. */
    void retain(Set<AppEnv> present) {
        lastSeen.keySet().removeIf(key -> !present.contains(key.id()));
    }

    /** Each host of {@code spec}, in its order; with {@code mayRecall}, from the last poll where it can. */
    List<Inspection> inspectAll(AppSpec spec, boolean mayRecall) {
        lastSeen.keySet().removeIf(key -> key.id().equals(spec.id()) && !spec.hosts().contains(key.host()));
        List<Future<Inspection>> futures = new ArrayList<>();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (HostAddress host : spec.hosts()) {
                futures.add(workers.submit(() -> inspectOne(spec, host, mayRecall)));
            }
        }
        return futures.stream().map(Future::resultNow).toList();
    }

    /**
     * Inspects the hosts a rollout worked on (but those the network failed, and those whose
     * deploy's last command said what they held as it ended), once it is over, as the next poll
     * would: a deploy soon after this one (a revert of it, say) then starts from
     * what is there now. Waits for them at most {@link #AFTER_ROLLOUT_WAIT}: a host slow to
     * answer is left to finish in the background rather than hold up a change waiting behind
     * this reconcile. What it sees, however late, is only ever used by a deploy that verifies it.
     */
    void inspectAfter(AppSpec spec, List<HostOutcome> outcomes) {
        long deadline = System.nanoTime() + AFTER_ROLLOUT_WAIT.toNanos();
        // Each host's last outcome: one deployed, then switched back as the rollout halted, is as its revert left it.
        Map<HostAddress, HostOutcome> last = new java.util.LinkedHashMap<>();
        outcomes.forEach(o -> last.put(o.host(), o));
        // A host whose deploy's last command said what it held then is not asked again.
        last.values().forEach(o -> {
            if (o instanceof HostOutcome.Deployed d && d.seen().isPresent()) {
                keep(spec, d.host(), new Inspection.Seen(d.host(), d.seen().get()));
            }
        });
        List<Thread> inspections = last.values().stream()
                .filter(o -> !(o instanceof HostOutcome.Failed f && f.transientFailure()))
                .filter(o -> !(o instanceof HostOutcome.Deployed d && d.seen().isPresent()))
                .map(outcome -> Thread.ofVirtual().name("inspect-after-" + outcome.host())
                        .start(() -> inspectNow(spec, outcome.host())))
                .toList();
        try {
            for (Thread inspection : inspections) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !inspection.join(Duration.ofNanos(left))) {
                    LOG.debugf("%s: inspections after the rollout go on in the background", spec.id());
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Inspects {@code host}, unless it failed lately and its backoff has not run out, or unless
     * {@code mayRecall} and what the last poll saw there can be {@linkplain #recall recalled}.
     */
    private Inspection inspectOne(AppSpec spec, HostAddress host, boolean mayRecall) {
        Optional<HostRetries.Retry> waiting = retries.waiting(spec.id(), host);
        if (waiting.isPresent()) {
            return new Inspection.Failed(host, retries.describe(waiting.get()), true);
        }
        Optional<Inspection> recalled = mayRecall ? recall(spec, host) : Optional.empty();
        if (recalled.isPresent()) {
            return recalled.get();
        }
        return switch (inspectNow(spec, host)) {
            case Inspection.Recalled recall -> recall;
            case Inspection.Seen seen -> seen;
            case Inspection.Failed failed when failed.transientFailure() -> new Inspection.Failed(host,
                    retries.describe(retries.failed(spec.id(), host, failed.error())), true);
            case Inspection.Failed failed -> failed;
        };
    }

    /** Inspects {@code host} and keeps what it saw for {@link #recall}. */
    private Inspection inspectNow(AppSpec spec, HostAddress host) {
        return keep(spec, host, inspector.inspect(spec, host));
    }

    /** Keeps what {@code inspection} saw of {@code host} for {@link #recall}; returns it. */
    private Inspection keep(AppSpec spec, HostAddress host, Inspection inspection) {
        LastSeen.Key key = new LastSeen.Key(spec.id(), host);
        if (inspection instanceof Inspection.Seen seen) {
            lastSeen.put(key, new LastSeen(spec.path(), spec.user(), spec.release(host), seen.observation()));
        } else {
            lastSeen.remove(key);
        }
        return inspection;
    }

    /**
     * What the last poll's inspection saw on {@code host} (or the last deploy's last command said
     * of it), when desired state has moved it to
     * another release since: a deploy then starts at once from that, verified on the host by its
     * first command, instead of waiting for one more inspection. Used once: the poll after a
     * deploy inspects again. Empty for a host not yet prepared, already at the desired release,
     * or not inspected for this base directory and user.
     */
    private Optional<Inspection> recall(AppSpec spec, HostAddress host) {
        LastSeen last = lastSeen.remove(new LastSeen.Key(spec.id(), host));
        if (last == null || last.desired().equals(spec.release(host)) || !last.path().equals(spec.path())
                || !last.user().equals(spec.user())) {
            return Optional.empty();
        }
        Observation seen = last.observation();
        boolean prepared = seen.basePresent() && seen.repoPresent();
        return prepared && seen.current().filter(spec.release(host)::equals).isEmpty()
                ? Optional.of(new Inspection.Recalled(host, seen)) : Optional.empty();
    }

    /** What an inspection saw on a host, for which base directory, user and desired release. */
    private record LastSeen(String path, String user, ReleaseId desired, Observation observation) {
        record Key(AppEnv id, HostAddress host) {
        }
    }

}
