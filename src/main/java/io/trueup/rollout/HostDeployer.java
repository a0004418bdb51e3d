package io.trueup.rollout;

import io.trueup.TrueupException;
import io.trueup.desired.AppSpec;
import io.trueup.desired.HostAddress;
import io.trueup.desired.ReleaseId;
import io.trueup.desired.Sha;
import io.trueup.git.CommitPusher;
import io.trueup.host.HostCommands;
import io.trueup.plan.Action;
import io.trueup.plan.HostPlan;
import io.trueup.ssh.RemoteException;
import io.trueup.ssh.RemoteShell;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Carries out one host's plan, step by step. A failed step stops the host; if it failed after
 * the switch, the host is switched back to the release that was current before and restarted.
 * Safe to call for different hosts from many threads.
 */
public final class HostDeployer {

    private final HostSteps.Runner runner;
    private final CommitPusher pusher;
    private final HealthChecker health;
    private final Clock clock;

    /**
     * @param lock who holds the host lock during steps
     */
    public HostDeployer(RemoteShell shell, CommitPusher pusher, HealthChecker health, Duration commandTimeout,
            HostLock lock, Clock clock) {
        this.runner = new HostSteps.Runner(shell, lock, clock, commandTimeout);
        this.pusher = pusher;
        this.health = health;
        this.clock = clock;
    }

    /**
     * Carries out {@code plan} on its host, for desired-state {@code revision}, and appends the
     * outcome to the host's history (unless the network failed). The steps that run on the host
     * go in as few commands as the plan allows: each run of consecutive host steps is one command
     * (one round trip, one hold of the lock), broken only by what runs from here (the push, the
     * health check). A command that makes a release or env and then switches to it waits, before
     * the switch, for this controller's word to go on ({@link HostCommands#confirm}), sent when it
     * hears that the steps before succeeded: were the host to go on by itself, a connection lost
     * during a long env build would leave it to switch and restart with no health check and no
     * way back. Only {@code verify}, which makes nothing, may come before a switch without it.
     * When the deploy succeeds, its history line is written by its last command, which also
     * collects the host's {@code repo.git} ({@link HostCommands#gc}, at most daily) when the
     * deploy prunes.
     *
     * @throws HostChanged when the plan's {@code verify} step finds the host no longer as the
     *     inspection the plan was made from saw it, or the push before it fails; nothing on the
     *     host has changed but the objects that push may have added
     */
    public HostOutcome deploy(AppSpec spec, String revision, HostPlan plan, RolloutListener listener) {
        Instant start = clock.instant();
        HostAddress host = plan.host();
        ActionSteps actions = ActionSteps.forDeploy(spec, plan);
        HostSteps steps = new HostSteps(runner, spec, host, actions, listener);
        List<HostCommands.Step> pending = new ArrayList<>();
        Optional<StepFailure> failure = Optional.empty();
        for (Action action : plan.actions()) {
            if (!runs(spec, action)) {
                continue;
            }
            Optional<HostCommands.Step> onHost = actions.of(action, clock.instant());
            if (onHost.isPresent()) {
                if (action instanceof Action.Switch && !onlyVerify(pending)) {
                    pending.add(HostCommands.confirm());
                }
                pending.add(onHost.get());
                continue;
            }
            // What runs from here waits for the host steps before it to end.
            failure = steps.run(pending);
            pending.clear();
            if (failure.isEmpty()) {
                listener.step(spec.id(), host, action.step());
                failure = guarded(action.step(), host, () -> here(spec, host, action))
                        .or(() -> steps.ran(action.step()));
                if (failure.isPresent() && action instanceof Action.Push && verifies(plan)) {
                    // Its repository may be gone since it was inspected: that calls for a new plan.
                    throw new HostChanged(failure.get().message() + " (planned from an earlier inspection)");
                }
            }
            if (failure.isPresent()) {
                break;
            }
        }
        if (failure.isEmpty()) {
            pending.add(HostCommands.record(HistoryLine.deployed(spec, host, revision, clock.instant())));
            if (plan.has(Action.Prune.class)) {
                // Last, once the host is healthy and its history written, and only where releases go.
                pending.add(HostCommands.gc(clock.instant()));
            }
            failure = steps.runLast(pending);
        }
        if (failure.isEmpty()) {
            return new HostOutcome.Deployed(host, spec.release(host), steps.done,
                    Duration.between(start, clock.instant()), steps.warnings);
        }
        StepFailure f = redacted(spec, failure.get());
        boolean switched = steps.done.contains("switch");
        // A failed afterSwitch leaves the host healthy on the new release: switching back would not help.
        boolean healthy = f.step().equals("afterSwitch");
        Optional<HostOutcome.Rollback> rollback = switched && !healthy
                ? Optional.of(rollBack(spec, plan, false))
                : Optional.empty();
        if (!switched && steps.started.contains("beforeSwitch")) {
            f = f.noting(putBack(spec, plan));
        }
        if (!f.transientFailure() && rollback.map(HostOutcome.Rollback::succeeded).orElse(!switched)) {
            removeFailedRelease(spec, host, plan, steps.done);
        }
        HostOutcome outcome = new HostOutcome.Failed(host, f.step(), f.message(), f.output(), f.transientFailure(),
                rollback);
        if (!f.transientFailure()) {
            recordHistory(spec, host, HistoryLine.of(spec, host, revision, outcome, clock.instant()));
        } else if (steps.commands > 0) {
            unlock(spec, host); // best effort: else taken again by this controller's next command
        }
        return outcome;
    }

    private static boolean verifies(HostPlan plan) {
        return plan.has(Action.Verify.class);
    }

    private static boolean onlyVerify(List<HostCommands.Step> steps) {
        return steps.stream().allMatch(step -> step.name().equals("verify"));
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

    /** Runs a step that is not a host command: the push, the health check. Empty when it succeeded. */
    private Optional<StepFailure> here(AppSpec spec, HostAddress host, Action action) {
        return switch (action) {
            case Action.Push push -> push(spec, host, push.sha());
            case Action.CheckHealth c -> health.check(spec, host);
            default -> throw new IllegalArgumentException(action.step() + " runs on the host");
        };
    }

    /**
     * Removes the release this deploy made and the env it built, once the host is back on
     * its previous release (or never left it): a failed release never counts toward keep.
     */
    private void removeFailedRelease(AppSpec spec, HostAddress host, HostPlan plan, List<String> done) {
        boolean made = plan.actions().stream().anyMatch(a -> a instanceof Action.MakeRelease m && !m.replaces())
                && done.contains("release");
        if (made) {
            List<io.trueup.desired.RequirementsHash> envs = done.contains("env")
                    ? List.of(spec.requirementsHash()) : List.of();
            new HostSteps(runner, spec, host, ActionSteps.forDeploy(spec, plan), RolloutListener.NONE)
                    .run(List.of(HostCommands.prune(List.of(spec.release(host)), envs)));
        }
    }

    /**
     * Runs {@code hooks.afterSwitch} on a host that ran {@code hooks.beforeSwitch} and then did not
     * switch, to put it back where it was; says how that went, for the host's error.
     */
    private String putBack(AppSpec spec, HostPlan plan) {
        ActionSteps actions = ActionSteps.forDeploy(spec, plan);
        return actions.afterSwitch().map(step -> new HostSteps(runner, spec, plan.host(), actions,
                RolloutListener.NONE).run(List.of(step))
                .map(f -> "; afterSwitch to put it back failed too: " + spec.redact(f.message()
                        + (f.output().isEmpty() ? "" : ": " + f.output())))
                .orElse("; not switched: afterSwitch put it back")).orElse("");
    }

    /**
     * Switches the host of {@code plan} back to the release that was current before it, restores
     * {@code previous}, restarts it, checks its health again and, once healthy, runs
     * {@code hooks.afterSwitch}; says whether the host is back and healthy. With {@code drain}
     * (a healthy host switched back because the rollout halted on another), {@code hooks.beforeSwitch}
     * runs first.
     */
    public HostOutcome.Rollback rollBack(AppSpec spec, HostPlan plan, boolean drain) {
        return rollBack(spec, plan.host(), plan.rollbackTo(), plan.previousBefore(), drain);
    }

    /**
     * Switches {@code host} back to {@code to}, with {@code previous} restored, as
     * {@link #rollBack(AppSpec, HostPlan, boolean)} does for a host deployed by a plan.
     */
    public HostOutcome.Rollback rollBack(AppSpec spec, HostAddress host, Optional<ReleaseId> to,
            Optional<ReleaseId> previous, boolean drain) {
        if (to.isEmpty()) {
            return new HostOutcome.Rollback(spec.release(host), false, "no previous release on the host to roll"
                    + " back to");
        }
        ActionSteps actions = ActionSteps.forRollback(spec, host);
        HostSteps steps = new HostSteps(runner, spec, host, actions, RolloutListener.NONE);
        List<HostCommands.Step> back = new ArrayList<>();
        if (drain) {
            // Drained first, and switched only on this controller's word: never left to switch back unwatched.
            actions.beforeSwitchBack().ifPresent(step -> back.addAll(List.of(step, HostCommands.confirm())));
        }
        back.add(HostCommands.switchBack(to.get(), previous, clock.instant()));
        actions.restart().ifPresent(back::add);
        Optional<StepFailure> failure = steps.run(back)
                .or(() -> guarded("health", host, () -> health.check(spec, host)));
        if (failure.isPresent()) {
            StepFailure f = redacted(spec, failure.get());
            return new HostOutcome.Rollback(to.get(), false, f.message() + ": " + f.output());
        }
        String detail = "switched back to " + to.get().abbrev() + ", restarted"
                + (spec.health().configured() ? " and healthy" : "");
        Optional<StepFailure> after = actions.afterSwitch().flatMap(step -> steps.run(List.of(step)));
        return new HostOutcome.Rollback(to.get(), true, detail + after.map(f -> redacted(spec, f))
                .map(f -> "; afterSwitch failed: " + f.message() + (f.output().isEmpty() ? "" : ": " + f.output()))
                .orElse(""));
    }

    /**
     * Restarts {@code host} in its current release (if the app has a restart) and checks its health,
     * as a deploy does after its switch from {@code previous}; empty when healthy (or no check). For
     * a host found switched when trueup stopped mid-deploy: the command that switched it may have
     * ended before its restart did anything, and the app still running the old release would then
     * pass the check. A failed restart is the failure. The host lock is kept for a switch back, and
     * freed when the host is healthy.
     */
    public Optional<StepFailure> restartAndCheckHealth(AppSpec spec, HostAddress host, Optional<ReleaseId> previous,
            RolloutListener listener) {
        ActionSteps actions = ActionSteps.forSwitched(spec, host, previous.map(ReleaseId::sha));
        HostSteps steps = new HostSteps(runner, spec, host, actions, RolloutListener.NONE);
        Optional<HostCommands.Step> restart = actions.restart();
        if (restart.isPresent()) {
            listener.step(spec.id(), host, "restart");
            Optional<StepFailure> failed = steps.run(List.of(restart.get()));
            if (failed.isPresent()) {
                return failed.map(f -> redacted(spec, f));
            }
        }
        listener.step(spec.id(), host, "health");
        Optional<StepFailure> unhealthy = checkHealth(spec, host);
        if (unhealthy.isEmpty() && steps.commands > 0) {
            unlock(spec, host);
        }
        return unhealthy;
    }

    /** Checks {@code host}'s health as a deploy does after its restart; empty when healthy (or no check). */
    public Optional<StepFailure> checkHealth(AppSpec spec, HostAddress host) {
        return guarded("health", host, () -> health.check(spec, host)).map(f -> redacted(spec, f));
    }

    /** {@code failure} with every secret the spec's config used masked in its message and output. */
    private static StepFailure redacted(AppSpec spec, StepFailure failure) {
        return new StepFailure(failure.step(), spec.redact(failure.message()), spec.redact(failure.output()),
                failure.transientFailure());
    }

    /** Runs {@code step}, turning what the adapters throw into a failure of the step. */
    private static Optional<StepFailure> guarded(String step, HostAddress host,
            java.util.function.Supplier<Optional<StepFailure>> body) {
        try {
            return body.get();
        } catch (RemoteException e) {
            return Optional.of(new StepFailure(step, e.getMessage(), "", e.transientFailure()));
        } catch (TrueupException e) {
            return Optional.of(new StepFailure(step, step + " on " + host + " failed: " + e.getMessage(), "", false));
        }
    }

    /**
     * Appends {@code line} to the host's {@code .trueup/history.log}, as the last command of a
     * deploy or rollback: the host lock is freed. Best effort: a host that cannot be reached now
     * keeps its log as it was (and the lock, which this controller takes again at its next
     * command, another after {@code trueup.lock-ttl}). Returns whether the line was written.
     */
    public boolean recordHistory(AppSpec spec, HostAddress host, String line) {
        HostSteps steps = new HostSteps(runner, spec, host, null, RolloutListener.NONE);
        return steps.runLast(List.of(HostCommands.record(line))).isEmpty() && steps.warnings.isEmpty();
    }

    /** Frees the host lock that this deploy's commands kept. Best effort. */
    void unlock(AppSpec spec, HostAddress host) {
        new HostSteps(runner, spec, host, null, RolloutListener.NONE).runLast(List.of(HostCommands.unlock()));
    }

    /**
     * The host is no longer as the inspection that its plan was made from saw it: inspect it
     * again and plan anew.
     */
    public static final class HostChanged extends RuntimeException {
        HostChanged(String message) {
            super(message);
        }
    }

    /**
     * Sends the commit's missing objects. A failed push changed nothing the host uses, and most
     * often means the connection dropped, so it counts as transient: tried again with backoff.
     */
    private Optional<StepFailure> push(AppSpec spec, HostAddress host, Sha sha) {
        try {
            pusher.push(spec.id().app(), sha, HostCommands.target(spec, host), HostCommands.repository(spec));
            return Optional.empty();
        } catch (io.trueup.git.GitException e) {
            return Optional.of(new StepFailure("push", "push to " + host + " failed: " + e.getMessage(), "", true));
        }
    }
}
