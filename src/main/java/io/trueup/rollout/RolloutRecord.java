package io.trueup.rollout;

import io.trueup.ErrorText;
import io.trueup.desired.AppEnv;
import io.trueup.desired.HostAddress;
import io.trueup.desired.ReleaseId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A rollout as trueup remembers it, written to the state directory before each step it takes
 * ({@link RolloutStore}), so that a restarted trueup goes on where it stopped. Immutable: each
 * change makes a new record.
 *
 * @param revision the desired-state commit it rolls out
 * @param key what identifies the desired state it rolls out (SHA, requirements and every other
 *     field): a newer desired state supersedes it
 * @param started when it started
 * @param batches the hosts it works on, in batches
 * @param batch the index of the batch running, or next to run
 * @param hosts each host's progress, in batch order
 * @param nextAt when the wait before the next batch ends, if it is waiting
 * @param abort whether an operator asked to abort it: the hosts it switched go back
 * @param stopped why it stops before all its batches ran with no failure to halt on (a host did not
 *     migrate; a host's deploy was cut short for the network's sake), if it does
 */
public record RolloutRecord(AppEnv id, String revision, String key, Instant started,
        List<List<HostAddress>> batches, int batch, List<HostProgress> hosts, Optional<Instant> nextAt, boolean abort,
        Optional<String> stopped) {

    public RolloutRecord {
        Objects.requireNonNull(id);
        Objects.requireNonNull(key);
        batches = batches.stream().map(List::copyOf).toList();
        hosts = List.copyOf(hosts);
        if (batch < 0 || batch > batches.size()) {
            throw new IllegalArgumentException("no batch " + batch + " in " + batches.size());
        }
        Objects.requireNonNull(nextAt);
        Objects.requireNonNull(stopped);
    }

    /**
     * One host's progress.
     *
     * @param target the release it is to run
     * @param rollbackTo the release it ran before its deploy switched it, once its deploy started
     * @param previousBefore what its {@code previous} link pointed at before, restored with a switch back
     * @param step the step it is at, or the one that failed
     * @param error why it failed, if it did
     * @param output the tail of the failed step's output
     * @param transientFailure whether its failure was the network's
     * @param rollback the switch back after its failure, if there was one
     */
    public record HostProgress(HostAddress host, Phase phase, ReleaseId target, Optional<ReleaseId> rollbackTo,
            Optional<ReleaseId> previousBefore, Optional<String> step, Optional<String> error, Optional<String> output,
            boolean transientFailure, Optional<HostOutcome.Rollback> rollback) {

        public HostProgress {
            Objects.requireNonNull(host);
            Objects.requireNonNull(phase);
            Objects.requireNonNull(target);
            Objects.requireNonNull(rollback);
            error = error.map(ErrorText::head);
            output = output.map(ErrorText::tail);
        }

        static HostProgress pending(HostAddress host, ReleaseId target) {
            return new HostProgress(host, Phase.PENDING, target, Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), false, Optional.empty());
        }

        HostProgress at(Phase now, Optional<String> atStep) {
            return new HostProgress(host, now, target, rollbackTo, previousBefore, atStep, error, output,
                    transientFailure, rollback);
        }

        HostProgress started(Optional<ReleaseId> from, Optional<ReleaseId> previous) {
            return new HostProgress(host, Phase.PREPARING, target, from, previous, Optional.empty(), Optional.empty(),
                    Optional.empty(), false, Optional.empty());
        }

        /** Done, and not switched by this rollout (it found the host at its release): nothing to switch back. */
        HostProgress unswitched() {
            return new HostProgress(host, Phase.HEALTHY, target, Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), false, Optional.empty());
        }

        HostProgress failed(Phase now, String atStep, String why, String tail, boolean network,
                Optional<HostOutcome.Rollback> back) {
            return new HostProgress(host, now, target, rollbackTo, previousBefore, Optional.of(atStep),
                    Optional.of(why), tail.isBlank() ? Optional.empty() : Optional.of(tail), network, back);
        }
    }

    /** A new rollout, every host pending, the first batch next. */
    public static RolloutRecord start(AppEnv id, String revision, String key, Instant now,
            List<List<HostAddress>> batches, java.util.function.Function<HostAddress, ReleaseId> target) {
        List<HostProgress> hosts = new ArrayList<>();
        batches.forEach(batch -> batch.forEach(h -> hosts.add(HostProgress.pending(h, target.apply(h)))));
        return new RolloutRecord(id, revision, key, now, batches, 0, hosts, Optional.empty(), false, Optional.empty());
    }

    public HostProgress host(HostAddress host) {
        return hosts.stream().filter(h -> h.host().equals(host)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(host + " is not in the rollout of " + id));
    }

    /** The hosts of {@code index}'s batch. */
    public List<HostProgress> batch(int index) {
        return batches.get(index).stream().map(this::host).toList();
    }

    /** How many batches it started: up to the last one with a host that left {@code pending}. */
    public int batchesStarted() {
        for (int i = batches.size() - 1; i >= 0; i--) {
            if (batch(i).stream().anyMatch(h -> h.phase() != Phase.PENDING)) {
                return i + 1;
            }
        }
        return 0;
    }

    /** The hosts in {@code phase}. */
    public List<HostProgress> in(Phase phase) {
        return hosts.stream().filter(h -> h.phase() == phase).toList();
    }

    /** This record with {@code host}'s progress changed by {@code change}. */
    public RolloutRecord with(HostAddress host, UnaryOperator<HostProgress> change) {
        List<HostProgress> changed = hosts.stream().map(h -> h.host().equals(host) ? change.apply(h) : h).toList();
        return new RolloutRecord(id, revision, key, started, batches, batch, changed, nextAt, abort, stopped);
    }

    /** This record at batch {@code next}, waiting until {@code until} before it if given. */
    public RolloutRecord atBatch(int next, Optional<Instant> until) {
        return new RolloutRecord(id, revision, key, started, batches, next, hosts, until, abort, stopped);
    }

    /** This record with an operator's abort asked for. */
    public RolloutRecord aborting() {
        return new RolloutRecord(id, revision, key, started, batches, batch, hosts, nextAt, true, stopped);
    }

    /** This record stopping for {@code why}. */
    public RolloutRecord stopping(String why) {
        return new RolloutRecord(id, revision, key, started, batches, batch, hosts, nextAt, abort, Optional.of(why));
    }
}
