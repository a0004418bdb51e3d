package io.trueup.reconcile;

import io.trueup.desired.HostAddress;
import io.trueup.plan.HostPlan;
import io.trueup.plan.Plan;
import io.trueup.rollout.HostOutcome;
import io.trueup.status.AppStatus;
import io.trueup.status.HostState;
import io.trueup.status.HostStatus;
import io.trueup.status.RolloutView;
import io.trueup.rollout.RolloutRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Maps plans and deploy outcomes to host statuses. Pure. */
final class Statuses {

    private Statuses() {
    }

    /** Host statuses from a fresh plan; hosts it could not inspect keep what was last known of them. */
    static List<HostStatus> fromPlan(Plan plan, Optional<AppStatus> before) {
        List<HostStatus> hosts = new ArrayList<>();
        for (HostPlan p : plan.hosts()) {
            HostState state = p.converged() ? HostState.Synced : HostState.OutOfSync;
            hosts.add(new HostStatus(p.host(), p.observed(), state, Optional.empty(), Optional.empty(),
                    p.drift(), p.detail()));
        }
        for (Map.Entry<HostAddress, String> e : plan.unreachable().entrySet()) {
            Optional<String> last = before.flatMap(b -> b.hosts().stream()
                    .filter(h -> h.host().equals(e.getKey())).findFirst()).flatMap(HostStatus::release);
            hosts.add(new HostStatus(e.getKey(), last, HostState.Unreachable, Optional.empty(),
                    Optional.of(e.getValue()), Set.of(), List.of()));
        }
        return hosts;
    }

    static HostStatus afterDeploy(HostStatus host, HostOutcome outcome) {
        return switch (outcome) {
            case HostOutcome.Deployed d -> new HostStatus(host.host(), Optional.of(d.release().name()), HostState.Synced,
                    Optional.empty(), Optional.empty(), Set.of(), d.warnings());
            case HostOutcome.Failed f -> new HostStatus(host.host(),
                    f.rollback().filter(HostOutcome.Rollback::succeeded).map(r -> r.to().name()).or(host::release),
                    f.transientFailure() ? HostState.Unreachable : HostState.Failed, Optional.of(f.step()),
                    Optional.of(describe(f, "")), host.drift(),
                    f.rollback().map(r -> List.of("rollback: " + r.detail())).orElse(List.of()));
            case HostOutcome.Reverted r -> new HostStatus(host.host(),
                    r.rollback().succeeded() ? Optional.of(r.rollback().to().name()) : host.release(),
                    r.rollback().succeeded() ? HostState.OutOfSync : HostState.Failed, Optional.of("rollback"),
                    r.rollback().succeeded() ? Optional.empty() : Optional.of(r.rollback().detail()), host.drift(),
                    List.of("rolled back because the rollout halted: " + r.rollback().detail()));
        };
    }

    /** What the status shows of a running rollout. */
    static Optional<RolloutView> rollout(Optional<RolloutRecord> record) {
        return record.map(r -> new RolloutView(Math.min(r.batch() + 1, r.batches().size()), r.batches().size(),
                r.nextAt(), r.abort(), r.hosts().stream().map(h -> new RolloutView.HostPhase(h.host().toString(),
                        h.phase().label())).toList()));
    }

    /** The same line for a host that failed in a recorded rollout. */
    static String describe(RolloutRecord.HostProgress f, String note) {
        StringBuilder text = new StringBuilder(f.host() + ": step " + f.step().orElse("deploy") + " failed: "
                + f.error().orElse("unknown"));
        f.rollback().filter(r -> !f.step().equals(Optional.of("rollback"))).ifPresent(r -> text.append(r.succeeded()
                ? "; rolled back to " + r.to().abbrev() : "; rollback failed: " + r.detail()));
        text.append(note);
        f.output().filter(o -> !o.isBlank()).ifPresent(o -> text.append("\n").append(o));
        return text.toString();
    }

    /** One line a person can act on: host, step, error, rollback, {@code note}, then the output's tail. */
    static String describe(HostOutcome.Failed f, String note) {
        StringBuilder text = new StringBuilder(f.host() + ": step " + f.step() + " failed: " + f.error());
        f.rollback().ifPresent(r -> text.append(r.succeeded() ? "; rolled back to " + r.to().abbrev()
                : "; rollback failed: " + r.detail()));
        text.append(note);
        if (!f.output().isBlank()) {
            text.append("\n").append(f.output());
        }
        return text.toString();
    }
}
