package io.trueup.rollout;

import io.trueup.desired.HostAddress;
import io.trueup.desired.Rollout;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides a rollout's next step from its record, what the latest inspections saw and what the
 * operator and desired state say, at {@code now}. Pure: no I/O, no clock; the same inputs give
 * the same step.
 */
public final class RolloutDecider {

    /**
     * What a decision looks at besides the record.
     *
     * @param desiredKey the key of the newest valid desired state
     * @param paused whether an operator paused the app/environment
     * @param policy the rollout policy of that desired state
     * @param current for each host inspected just now, the name {@code current} points at (empty:
     *     no {@code current}); a host missing from the map could not be inspected
     */
    public record Situation(String desiredKey, boolean paused, Rollout policy,
            Map<HostAddress, Optional<String>> current) {
        public Situation {
            current = Map.copyOf(current);
        }
    }

    private RolloutDecider() {
    }

    public static RolloutStep next(RolloutRecord record, Situation now, Instant at) {
        Optional<RolloutStep> recovering = recover(record, now);
        if (recovering.isPresent()) {
            return recovering.get();
        }
        if (!record.key().equals(now.desiredKey())) {
            return new RolloutStep.Finish(RolloutStep.End.SUPERSEDED);
        }
        if (record.abort()) {
            List<HostAddress> back = switchedByIt(record);
            return back.isEmpty() ? new RolloutStep.Finish(RolloutStep.End.ABORTED)
                    : new RolloutStep.RollBack(back, "the rollout was aborted");
        }
        List<RolloutRecord.HostProgress> failed = record.in(Phase.FAILED);
        boolean releaseFailed = failed.stream().anyMatch(h -> !h.transientFailure());
        if (record.stopped().isPresent() || failed.size() > now.policy().maxFailures()) {
            List<HostAddress> back = switchedByIt(record);
            if (releaseFailed && now.policy().onFailure() == Rollout.OnFailure.ROLLBACK_ALL && !back.isEmpty()) {
                return new RolloutStep.RollBack(back, "the rollout halted and rolls back every host (onFailure:"
                        + " rollback-all)");
            }
            return new RolloutStep.Finish(releaseFailed ? RolloutStep.End.HALTED : RolloutStep.End.STOPPED);
        }
        if (record.batch() >= record.batches().size()) {
            return new RolloutStep.Finish(releaseFailed ? RolloutStep.End.HALTED
                    : failed.isEmpty() ? RolloutStep.End.SUCCEEDED : RolloutStep.End.STOPPED);
        }
        List<HostAddress> pending = record.batch(record.batch()).stream().filter(h -> h.phase() == Phase.PENDING)
                .map(RolloutRecord.HostProgress::host).toList();
        if (pending.isEmpty()) {
            int following = record.batch() + 1;
            Duration pause = record.batch() == 0 && now.policy().canary() > 0 ? now.policy().canaryPause()
                    : now.policy().pause();
            boolean waits = following < record.batches().size() && !pause.isZero();
            return new RolloutStep.Advance(following, waits ? Optional.of(at.plus(pause)) : Optional.empty());
        }
        if (now.paused()) {
            return new RolloutStep.Hold("paused before batch " + (record.batch() + 1) + " of "
                    + record.batches().size() + ": resume to go on");
        }
        if (record.nextAt().filter(at::isBefore).isPresent()) {
            return new RolloutStep.Wait(record.nextAt().get());
        }
        return new RolloutStep.Run(record.batch(), pending);
    }

    /**
     * Hosts whose deploy trueup was running when it stopped: those found on their new release are
     * checked, the others start again. Empty when there are none.
     */
    private static Optional<RolloutStep> recover(RolloutRecord record, Situation now) {
        List<HostAddress> check = new ArrayList<>();
        List<HostAddress> reset = new ArrayList<>();
        Optional<HostAddress> unseen = Optional.empty();
        for (RolloutRecord.HostProgress host : record.hosts()) {
            if (!host.phase().interrupted()) {
                continue;
            }
            Optional<String> current = now.current().get(host.host());
            if (current == null) {
                unseen = Optional.of(host.host());
                continue;
            }
            (current.filter(host.target().name()::equals).isPresent() ? check : reset).add(host.host());
        }
        if (!check.isEmpty()) {
            return Optional.of(new RolloutStep.Check(check));
        }
        if (!reset.isEmpty()) {
            return Optional.of(new RolloutStep.Reset(reset));
        }
        // A host that left the desired state meanwhile is the newer rollout's business.
        return unseen.filter(h -> record.key().equals(now.desiredKey())).map(h -> new RolloutStep.Hold(h
                + " was mid-deploy when trueup stopped and cannot be inspected now; it is checked once it can"));
    }

    /** The hosts this rollout switched to the new release and left there. */
    private static List<HostAddress> switchedByIt(RolloutRecord record) {
        return record.in(Phase.HEALTHY).stream().filter(h -> h.rollbackTo().isPresent())
                .map(RolloutRecord.HostProgress::host).toList();
    }
}
