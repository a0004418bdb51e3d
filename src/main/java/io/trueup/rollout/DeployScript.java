package io.trueup.rollout;

import io.trueup.desired.AppSpec;
import io.trueup.host.HostCommands;
import io.trueup.host.HostStep;
import io.trueup.plan.Action;
import io.trueup.plan.HostPlan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a deploy of one host by its plan runs, in order, decided before anything runs: pure.
 *
 * <p>The steps that run on the host go in as few commands as the plan allows: each run of
 * consecutive host steps is one command (one round trip, one hold of the host lock), broken only
 * by what runs from trueup (the push, the health check). A command that makes a release or env
 * and then switches to it waits, before the switch, for trueup's word to go on
 * ({@link HostStep#CONFIRM}): were the host to go on by itself, a connection lost during a long
 * env build would leave it to switch and restart with no health check and no way back. Only
 * {@code verify}, which makes nothing, may come before a switch without it. The last command
 * writes the deploy's history line ({@link HostStep#RECORD}) and, when the plan prunes, collects
 * the host's {@code repo.git} ({@link HostStep#GC}); it frees the lock, which every command before
 * it keeps for the next.
 */
final class DeployScript {

    private DeployScript() {
    }

    /** One part of a deploy; the deploy stops at the first that fails. */
    sealed interface Segment permits Command, FromHere {
    }

    /**
     * One host command: {@code steps} in order under one hold of the host lock, which it keeps for
     * the next command when {@code keepsLock} and frees when it ends otherwise.
     */
    record Command(List<Part> steps, boolean keepsLock) implements Segment {
        Command {
            steps = List.copyOf(steps);
            if (steps.isEmpty()) {
                throw new IllegalArgumentException("a host command runs at least one step");
            }
        }

        /** Its steps, in order. */
        List<HostStep> names() {
            return steps.stream().map(Part::step).toList();
        }
    }

    /** What runs from trueup: the push ({@link Action.Push}) or the health check ({@link Action.CheckHealth}). */
    record FromHere(Action action) implements Segment {
        FromHere {
            if (ActionSteps.stepOf(action).isPresent()) {
                throw new IllegalArgumentException(action.step() + " runs on the host");
            }
        }
    }

    /**
     * One step of a command: the step of one of the plan's actions, or, without an action, one
     * that the deploy adds (confirm, record, gc).
     */
    record Part(HostStep step, Optional<Action> action) {
        static Part added(HostStep step) {
            return new Part(step, Optional.empty());
        }
    }

    /** The segments of a deploy of {@code spec} by {@code plan}, in the order they run. */
    static List<Segment> of(AppSpec spec, HostPlan plan) {
        List<Segment> segments = new ArrayList<>();
        List<Part> pending = new ArrayList<>();
        for (Action action : plan.actions()) {
            if (!runs(spec, action)) {
                continue;
            }
            Optional<HostStep> onHost = ActionSteps.stepOf(action);
            if (onHost.isPresent()) {
                if (action instanceof Action.Switch && !pending.stream().allMatch(p -> p.step() == HostStep.VERIFY)) {
                    pending.add(Part.added(HostStep.CONFIRM));
                }
                pending.add(new Part(onHost.get(), Optional.of(action)));
                continue;
            }
            // What runs from here waits for the host steps before it to end.
            if (!pending.isEmpty()) {
                segments.add(new Command(pending, true));
                pending.clear();
            }
            segments.add(new FromHere(action));
        }
        pending.add(Part.added(HostStep.RECORD));
        if (plan.has(Action.Prune.class)) {
            // Last, once the host is healthy and its history written, and only where releases go.
            pending.add(Part.added(HostStep.GC));
        }
        segments.add(new Command(pending, false));
        return List.copyOf(segments);
    }

    /**
     * The steps of {@code command}, with their arguments as of {@code now}: the switch time, the
     * time of the history line {@code historyLine} gives, the time {@code gc} compares with.
     */
    static List<HostCommands.Step> steps(Command command, ActionSteps actions,
            java.util.function.Function<Instant, String> historyLine, Instant now) {
        return command.steps().stream().map(part -> part.action()
                .map(action -> actions.of(action, now).orElseThrow())
                .orElseGet(() -> switch (part.step()) {
                    case CONFIRM -> HostCommands.confirm();
                    case RECORD -> HostCommands.record(historyLine.apply(now));
                    case GC -> HostCommands.gc(now);
                    default -> throw new IllegalArgumentException(part.step() + " is a plan's step");
                })).toList();
    }

    /** Whether {@code action} does anything for this app: a restart, health check or hook it has, any other step. */
    private static boolean runs(AppSpec spec, Action action) {
        return switch (action) {
            case Action.Restart r -> spec.restart().isPresent();
            case Action.CheckHealth c -> spec.health().configured();
            case Action.Build b -> spec.recipe().hooks().build().isPresent();
            case Action.Migrate m -> spec.recipe().hooks().migrate().isPresent();
            case Action.BeforeSwitch b -> spec.recipe().hooks().beforeSwitch().isPresent();
            case Action.AfterSwitch a -> spec.recipe().hooks().afterSwitch().isPresent();
            default -> true;
        };
    }
}
