package io.trueup.rollout;

import io.trueup.TrueupException;
import io.trueup.desired.AppEnv;
import io.trueup.desired.AppSpec;
import io.trueup.desired.HostAddress;
import io.trueup.desired.ReleaseId;
import io.trueup.desired.Sha;
import io.trueup.desired.Transport;
import io.trueup.git.CommitPusher;
import io.trueup.git.TreeArchiver;
import io.trueup.host.HostStep;
import io.trueup.host.HostCommands;
import io.trueup.plan.Action;
import io.trueup.plan.HostPlan;
import io.trueup.ssh.RemoteException;
import io.trueup.ssh.RemoteShell;
import io.trueup.ssh.SshTarget;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Carries out one host's plan: runs the segments that {@link DeployScript} decides (host commands,
 * the push, the health check) and reads their results; when one fails, does what {@link FollowUp}
 * decides (a new plan, or switching the host back to the release that was current before and
 * restarting it, removing the failed release, the history line). Decides nothing itself. Safe to
 * call for different hosts from many threads.
 */
public final class HostDeployer {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(HostDeployer.class);

    private final HostSteps.Runner runner;
    private final CommitPusher pusher;
    /** The pushes started ahead of their hosts' turn ({@link #pushAhead}), until the turn takes them. */
    private final Map<Ahead, CompletableFuture<Optional<StepFailure>>> ahead = new ConcurrentHashMap<>();

    private record Ahead(AppEnv id, String revision, SshTarget target, String repository, Sha sha) {
    }
    private final TreeArchiver archiver;
    private final HealthChecker health;
    private final Clock clock;

    /**
     * A deployer of apps whose transport is git (for tests): an app with transport archive fails
     * its release step.
     *
     * @param lock who holds the host lock during steps
     */
    public HostDeployer(RemoteShell shell, CommitPusher pusher, HealthChecker health, Duration commandTimeout,
            HostLock lock, Clock clock) {
        this(shell, pusher, (app, sha) -> {
            throw new io.trueup.git.GitException("this trueup makes no archives, which app " + app
                    + " needs for its transport archive");
        }, health, commandTimeout, lock, clock);
    }

    /**
     * @param archiver makes the archive of a release's tree, for an app whose transport is archive
     * @param lock who holds the host lock during steps
     */
    public HostDeployer(RemoteShell shell, CommitPusher pusher, TreeArchiver archiver, HealthChecker health,
            Duration commandTimeout, HostLock lock, Clock clock) {
        this(shell, pusher, archiver, health, commandTimeout, lock, clock, id -> { });
    }

    /**
     * @param archiver makes the archive of a release's tree, for an app whose transport is archive
     * @param lock who holds the host lock during steps
     * @param gate asked before every command to a host of an app/environment, and before the word
     *     to switch: throws when this controller may no longer act there ({@link RolloutStore#mayAct})
     */
    public HostDeployer(RemoteShell shell, CommitPusher pusher, TreeArchiver archiver, HealthChecker health,
            Duration commandTimeout, HostLock lock, Clock clock, java.util.function.Consumer<AppEnv> gate) {
        this.runner = new HostSteps.Runner(shell, lock, clock, commandTimeout, gate);
        this.pusher = pusher;
        this.archiver = archiver;
        this.health = health;
        this.clock = clock;
    }

    /** How a deploy ended: with an outcome, or finding the host changed since its plan's inspection. */
    public sealed interface Result {
    }

    /** The deploy ended with {@code outcome}. */
    public record Done(HostOutcome outcome) implements Result {
    }

    /**
     * The host is no longer as the inspection that the plan was made from saw it (or the push
     * before the plan's {@code verify} failed): inspect it again and plan anew. Nothing on the
     * host has changed but the objects that push may have added.
     */
    public record Changed(String reason) implements Result {
    }

    /**
     * Carries out {@code plan} on its host, for desired-state {@code revision}: runs the segments
     * that {@link DeployScript} decides, in order, and, when one fails, what {@link FollowUp}
     * decides. Appends the outcome to the host's history (unless the network failed).
     */
    public Result deploy(AppSpec spec, String revision, HostPlan plan, RolloutListener listener) {
        Instant start = clock.instant();
        HostAddress host = plan.host();
        ActionSteps actions = ActionSteps.forDeploy(spec, plan);
        HostSteps steps = new HostSteps(runner, spec, host, actions, listener);
        List<String> ran = new ArrayList<>();
        for (DeployScript.Segment segment : DeployScript.of(spec, plan)) {
            int before = steps.done.size();
            Optional<StepFailure> failure = run(spec, revision, plan, segment, actions, steps, listener);
            steps.done.subList(before, steps.done.size()).forEach(step -> ran.add(step.word()));
            if (failure.isPresent()) {
                return switch (FollowUp.after(spec, plan, steps.ran(), segment, failure.get())) {
                    case FollowUp.Replan replan -> new Changed(replan.reason());
                    case FollowUp.Recover recover -> new Done(recover(spec, revision, plan, recover,
                            failure.get().redacted(spec::redact)));
                };
            }
            if (segment instanceof DeployScript.FromHere here) {
                ran.add(here.action().step());
            }
        }
        return new Done(new HostOutcome.Deployed(host, spec.release(host), ran, Duration.between(start,
                clock.instant()), steps.warnings, steps.seen));
    }

    /** Runs one segment of a deploy; empty when it succeeded. */
    private Optional<StepFailure> run(AppSpec spec, String revision, HostPlan plan, DeployScript.Segment segment,
            ActionSteps actions, HostSteps steps, RolloutListener listener) {
        HostAddress host = plan.host();
        return switch (segment) {
            case DeployScript.Command command -> {
                List<HostCommands.Step> parts = DeployScript.steps(command, actions,
                        now -> HistoryLine.deployed(spec, host, revision, now), clock.instant());
                List<HostCommands.Step> sending = new ArrayList<>();
                Optional<StepFailure> unsent = guarded(HostStep.RELEASE.word(), host, () -> {
                    sending.addAll(withArchive(spec, host, parts));
                    return Optional.empty();
                });
                // The last command says what the host holds as it ends: no inspection of its own after it.
                yield unsent.isPresent() ? unsent
                        : command.keepsLock() ? steps.run(sending, true) : steps.runLastReporting(sending);
            }
            case DeployScript.FromHere here -> {
                listener.step(spec.id(), host, here.action().step());
                yield guarded(here.action().step(), host, () -> here(spec, revision, host, here.action()));
            }
        };
    }

    /**
     * {@code steps}, the release step reading the archive of the release's tree when the app's
     * transport is archive: only a release that is made travels.
     *
     * @throws io.trueup.git.MissingCommitException when the app's mirror lacks what the archive holds
     */
    private List<HostCommands.Step> withArchive(AppSpec spec, HostAddress host, List<HostCommands.Step> steps) {
        if (spec.transport() != Transport.ARCHIVE) {
            return steps;
        }
        return steps.stream().map(step -> step.step() == HostStep.RELEASE
                ? step.withArchive(archiver.archive(spec.id().app(), spec.release(host).sha()))
                : step).toList();
    }

    /** Carries out {@code recover} after a deploy by {@code plan} failed with {@code f}; returns the outcome. */
    private HostOutcome recover(AppSpec spec, String revision, HostPlan plan, FollowUp.Recover recover,
            StepFailure f) {
        HostAddress host = plan.host();
        Optional<HostOutcome.Rollback> rollback = recover.switchBack()
                ? Optional.of(rollBack(spec, plan, false))
                : Optional.empty();
        if (recover.putBack().isPresent()) {
            f = f.noting(putBack(spec, plan, recover.putBack().get()));
        }
        if (recover.removal().isPresent() && rollback.map(HostOutcome.Rollback::succeeded).orElse(true)) {
            // A failed release never counts toward keep: it goes once the host is back on its previous one.
            new HostSteps(runner, spec, host, ActionSteps.forDeploy(spec, plan), RolloutListener.NONE)
                    .run(List.of(recover.removal().get()));
        }
        HostOutcome outcome = new HostOutcome.Failed(host, f.step(), f.message(), f.output(), f.transientFailure(),
                rollback);
        if (recover.recordHistory()) {
            recordHistory(spec, host, HistoryLine.of(spec, host, revision, outcome, clock.instant()));
        }
        if (recover.unlock()) {
            unlock(spec, host); // best effort: else taken again by this controller's next command
        }
        return outcome;
    }

    /** Runs a step that is not a host command: the push, the health check. Empty when it succeeded. */
    private Optional<StepFailure> here(AppSpec spec, String revision, HostAddress host, Action action) {
        return switch (action) {
            case Action.Push push -> push(spec, revision, host, push.sha());
            case Action.CheckHealth c -> health.check(spec, host);
            default -> throw new IllegalArgumentException(action.step() + " runs on the host");
        };
    }

    /**
     * Runs {@code afterSwitch} on a host that ran {@code hooks.beforeSwitch} and then did not
     * switch, to put it back where it was; says how that went, for the host's error.
     */
    private String putBack(AppSpec spec, HostPlan plan, HostCommands.Step afterSwitch) {
        return new HostSteps(runner, spec, plan.host(), ActionSteps.forDeploy(spec, plan), RolloutListener.NONE)
                .run(List.of(afterSwitch))
                .map(f -> "; afterSwitch to put it back failed too: " + spec.redact(f.message()
                        + (f.output().isEmpty() ? "" : ": " + f.output())))
                .orElse("; not switched: afterSwitch put it back");
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
        return failure.redacted(spec::redact);
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

    /** Whether a lock owned by {@code owner} (an owner line) is this controller's, this run's or an earlier one's. */
    boolean holds(String owner) {
        return owner.startsWith(runner.lock().controller() + "/");
    }

    /** Frees the host lock that this deploy's commands kept. Best effort. */
    void unlock(AppSpec spec, HostAddress host) {
        new HostSteps(runner, spec, host, null, RolloutListener.NONE).runLast(List.of(HostCommands.unlock()));
    }

    /**
     * Sends the commit's missing objects. A failed push changed nothing the host uses, and most
     * often means the connection dropped, so it counts as transient: tried again with backoff. But
     * a host that says its disk is full or refuses the write ({@link #HOST_REFUSALS}) will say so
     * again: that halts at once.
     */
    private Optional<StepFailure> push(AppSpec spec, String revision, HostAddress host, Sha sha) {
        CompletableFuture<Optional<StepFailure>> early = ahead.remove(new Ahead(spec.id(), revision,
                HostCommands.target(spec, host), HostCommands.repository(spec), sha));
        if (early != null) {
            try {
                if (early.join().isEmpty()) {
                    return Optional.empty();
                }
            } catch (RuntimeException e) {
                LOG.debugf("%s: the push to %s made ahead failed: %s", spec.id(), host, e.getMessage());
            }
        }
        return pushNow(spec, host, sha); // none went ahead, or it failed: again, in the host's turn
    }

    /**
     * Starts the push that {@code plan} begins with, if it begins with one (its host has
     * {@code repo.git}), on a thread of its own, for the host's deploy in the rollout of desired-state
     * {@code revision} to find done when its turn comes: the rollout pushes to the next batch while
     * this one deploys. A push only adds objects to {@code repo.git}, under a ref of trueup's that
     * nothing on the host uses until a release is made from it, so a rollout that stops before that
     * host leaves only those (see {@code gc}). Says whether it started one; {@code done} runs when a
     * push it started ends.
     */
    public boolean pushAhead(AppSpec spec, String revision, HostPlan plan, Runnable done) {
        if (plan.actions().isEmpty() || !(plan.actions().get(0) instanceof Action.Push push)) {
            return false;
        }
        HostAddress host = plan.host();
        Ahead key = new Ahead(spec.id(), revision, HostCommands.target(spec, host), HostCommands.repository(spec),
                push.sha());
        java.util.concurrent.atomic.AtomicReference<CompletableFuture<Optional<StepFailure>>> started =
                new java.util.concurrent.atomic.AtomicReference<>();
        ahead.computeIfAbsent(key, k -> {
            started.set(CompletableFuture.supplyAsync(() -> pushNow(spec, host, push.sha()),
                    task -> Thread.ofVirtual().name("trueup-push-ahead").start(task)));
            return started.get();
        });
        if (started.get() == null) {
            return false;
        }
        started.get().whenComplete((result, e) -> done.run());
        return true;
    }

    /**
     * Forgets the pushes made ahead for {@code id} whose hosts' turn did not come (the rollout
     * stopped, or went elsewhere): a later rollout pushes for itself.
     */
    public void forgetPushesAhead(AppEnv id) {
        ahead.keySet().removeIf(key -> key.id().equals(id));
    }

    private Optional<StepFailure> pushNow(AppSpec spec, HostAddress host, Sha sha) {
        try {
            pusher.push(spec.id().app(), sha, HostCommands.target(spec, host), HostCommands.repository(spec));
            return Optional.empty();
        } catch (io.trueup.git.GitException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            boolean refused = HOST_REFUSALS.stream().anyMatch(message::contains);
            return Optional.of(new StepFailure("push", "push to " + host + " failed: " + message, "", !refused));
        }
    }

    /** What a host answers a push with when trying again cannot help (the OS's error texts). */
    static final List<String> HOST_REFUSALS = List.of("No space left on device", "Disk quota exceeded",
            "Permission denied", "Read-only file system");
}
