package io.trueup.rollout;

import io.trueup.TrueupException;
import io.trueup.desired.AppEnv;
import io.trueup.desired.AppSpec;
import io.trueup.desired.HostAddress;
import io.trueup.desired.Sha;
import io.trueup.git.CommitPusher;
import io.trueup.host.HostCommands;
import io.trueup.host.StepReport;
import io.trueup.plan.Action;
import io.trueup.plan.HostPlan;
import io.trueup.ssh.CommandResult;
import io.trueup.ssh.RemoteCommand;
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

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(HostDeployer.class);

    /** Exit code of a step that found the base directory locked by another controller: try later. */
    static final int LOCKED = 75;

    private final RemoteShell shell;
    private final CommitPusher pusher;
    private final HealthChecker health;
    private final Duration commandTimeout;
    private final HostLock lock;
    private final Clock clock;

    /**
     * @param lock who holds the host lock during steps
     */
    public HostDeployer(RemoteShell shell, CommitPusher pusher, HealthChecker health, Duration commandTimeout,
            HostLock lock, Clock clock) {
        this.shell = shell;
        this.pusher = pusher;
        this.health = health;
        this.commandTimeout = commandTimeout;
        this.lock = lock;
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
     * When the deploy succeeds, its history line is written by its last command.
     *
     * @throws HostChanged when the plan's {@code verify} step finds the host no longer as the
     *     inspection the plan was made from saw it, or the push before it fails; nothing on the
     *     host has changed but the objects that push may have added
     */
    public HostOutcome deploy(AppSpec spec, String revision, HostPlan plan, RolloutListener listener) {
        Instant start = clock.instant();
        HostAddress host = plan.host();
        Steps steps = new Steps(spec, host, listener);
        List<HostCommands.Step> pending = new ArrayList<>();
        Optional<StepFailure> failure = Optional.empty();
        for (Action action : plan.actions()) {
            if (!runs(spec, action)) {
                continue;
            }
            Optional<HostCommands.Step> onHost = hostStep(spec, action);
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
            pending.add(HostCommands.record(HistoryLine.deployed(spec, revision, clock.instant())));
            failure = steps.run(pending);
        }
        if (failure.isEmpty()) {
            return new HostOutcome.Deployed(host, spec.sha(), steps.done, Duration.between(start, clock.instant()),
                    steps.warnings);
        }
        StepFailure f = failure.get();
        boolean switched = steps.done.contains("switch");
        Optional<HostOutcome.Rollback> rollback = switched
                ? Optional.of(rollBack(spec, host, plan.rollbackTo(), plan.previousBefore()))
                : Optional.empty();
        if (!f.transientFailure() && rollback.map(HostOutcome.Rollback::succeeded).orElse(!switched)) {
            removeFailedRelease(spec, host, plan, steps.done);
        }
        HostOutcome outcome = new HostOutcome.Failed(host, f.step(), f.message(), f.output(), f.transientFailure(),
                rollback);
        if (!f.transientFailure()) {
            recordHistory(spec, host, HistoryLine.of(spec, revision, outcome, clock.instant()));
        }
        return outcome;
    }

    private static boolean verifies(HostPlan plan) {
        return plan.actions().stream().anyMatch(Action.Verify.class::isInstance);
    }

    private static boolean onlyVerify(List<HostCommands.Step> steps) {
        return steps.stream().allMatch(step -> step.name().equals("verify"));
    }

    /** Whether {@code action} does anything for this app: a restart or health check it has, any other step. */
    private static boolean runs(AppSpec spec, Action action) {
        return switch (action) {
            case Action.Restart r -> spec.restart().isPresent();
            case Action.CheckHealth c -> spec.health().configured();
            default -> true;
        };
    }

    /** The step that carries out {@code action} on the host; empty for what runs from here (push, health). */
    private Optional<HostCommands.Step> hostStep(AppSpec spec, Action action) {
        return switch (action) {
            case Action.Verify v -> Optional.of(HostCommands.verify(v.currentLink(), v.previousLink(), v.env(),
                    v.envComplete(), v.usedAsIs()));
            case Action.Cleanup c -> Optional.of(HostCommands.cleanup());
            case Action.Prepare p -> Optional.of(HostCommands.prepare());
            case Action.MakeRelease r -> Optional.of(HostCommands.release(spec));
            case Action.BuildEnv e -> Optional.of(HostCommands.buildEnv(spec));
            case Action.Switch s -> Optional.of(HostCommands.switchTo(s.sha(), clock.instant()));
            case Action.Restart r -> spec.restart().map(HostCommands::restart);
            case Action.Prune p -> Optional.of(HostCommands.prune(p.releases(), p.envs()));
            case Action.Push p -> Optional.empty();
            case Action.CheckHealth c -> Optional.empty();
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
            new Steps(spec, host, RolloutListener.NONE).run(List.of(HostCommands.prune(List.of(spec.sha()), envs)));
        }
    }

    /**
     * Switches {@code host} back to {@code to}, restores {@code previous}, restarts it and checks
     * its health again; says whether all that worked.
     */
    public HostOutcome.Rollback rollBack(AppSpec spec, HostAddress host, Optional<Sha> to, Optional<Sha> previous) {
        if (to.isEmpty()) {
            return new HostOutcome.Rollback(spec.sha(), false, "no previous release on the host to roll back to");
        }
        List<HostCommands.Step> back = new ArrayList<>(List.of(HostCommands.switchBack(to.get(), previous, clock.instant())));
        spec.restart().map(HostCommands::restart).ifPresent(back::add);
        Optional<StepFailure> failure = new Steps(spec, host, RolloutListener.NONE).run(back)
                .or(() -> guarded("health", host, () -> health.check(spec, host)));
        return failure
                .map(f -> new HostOutcome.Rollback(to.get(), false, f.message() + ": " + f.output()))
                .orElseGet(() -> new HostOutcome.Rollback(to.get(), true, "switched back to " + to.get().abbrev()
                        + ", restarted" + (spec.health().configured() ? " and healthy" : "")));
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
     * Appends {@code line} to the host's {@code .trueup/history.log}. Best effort: a host that
     * cannot be reached now keeps its log as it was. Returns whether the line was written.
     */
    public boolean recordHistory(AppSpec spec, HostAddress host, String line) {
        Steps steps = new Steps(spec, host, RolloutListener.NONE);
        return steps.run(List.of(HostCommands.record(line))).isEmpty() && steps.warnings.isEmpty();
    }

    /**
     * The host commands of one deploy (or rollback) of one host: runs steps under the host lock,
     * tells the listener each step as the host starts it, and keeps which steps succeeded and
     * which failures did not matter.
     */
    private final class Steps {
        private final AppSpec spec;
        private final HostAddress host;
        private final RolloutListener listener;
        final List<String> done = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();

        Steps(AppSpec spec, HostAddress host, RolloutListener listener) {
            this.spec = spec;
            this.host = host;
            this.listener = listener;
        }

        /** Notes {@code step} as done; returns empty, for chaining after a step that succeeded. */
        Optional<StepFailure> ran(String step) {
            done.add(step);
            return Optional.empty();
        }

        /**
         * Notes the steps a command says succeeded; neither the history line nor the wait for the
         * word to switch is a step of the deploy.
         */
        private void took(StepReport report) {
            report.done().stream().filter(step -> !step.equals("record") && !step.equals("confirm"))
                    .forEach(done::add);
        }

        /** Runs {@code steps} (if any) as one command; empty when none failed but those that may. */
        Optional<StepFailure> run(List<HostCommands.Step> steps) {
            if (steps.isEmpty()) {
                return Optional.empty();
            }
            RemoteCommand command = HostCommands.command(spec, steps).withEnv(lock.env(clock.instant()));
            String first = steps.get(0).name();
            Progress progress = new Progress(spec.id(), host, listener);
            CommandResult result;
            try {
                result = shell.run(HostCommands.target(spec, host), command, commandTimeout, progress::hear);
            } catch (RemoteException e) {
                // A timeout counts as the network's (transient): a connection cut mid-command looks the same.
                return failed(steps, progress.end(), new StepFailure(progress.end().blame(first), e.getMessage(), "",
                        e.transientFailure()));
            } catch (TrueupException e) {
                String step = progress.end().blame(first);
                return failed(steps, progress.end(), new StepFailure(step, step + " on " + host + " failed: "
                        + e.getMessage(), "", false));
            }
            progress.end();
            StepReport report = StepReport.parse(result.stdout());
            String output = result.stderr().isBlank() ? "" : result.tail(20);
            report.warned().forEach((step, code) -> warnings.add(step + " on " + host + " failed with exit " + code
                    + (output.isEmpty() ? "" : ": " + output)));
            if (result.ok()) {
                took(report);
                result.stderr().lines().filter(line -> line.startsWith("trueup: "))
                        .forEach(line -> LOG.warnf("%s on %s: %s", command.name(), host, line.substring(8)));
                return Optional.empty();
            }
            String step = report.blame(first);
            if (result.exitCode() == HostCommands.NOT_AS_SEEN && step.equals("verify")) {
                throw new HostChanged(host + " is not as inspected: " + result.tail(3).strip());
            }
            if (result.exitCode() == HostCommands.NO_WORD && step.equals("confirm")) {
                // This controller's word did not reach the host in time: the network's failure, not the release's.
                return failed(steps, report, new StepFailure(step, step + " on " + host + " stopped before the switch:"
                        + " trueup's word to go on did not reach it", result.tail(3), true));
            }
            if (result.exitCode() == LOCKED && report.started().isEmpty()) {
                return failed(steps, report, new StepFailure(step, step + " on " + host
                        + " waits: another controller is working there", result.tail(3), true));
            }
            return failed(steps, report, new StepFailure(step, step + " on " + host + " failed with exit "
                    + result.exitCode(), output, false));
        }

        /**
         * The failure of a command that did not end well, as far as its {@code report} goes: none
         * but a warning when every step it did not finish is one that may fail (prune, record), so
         * that, say, a dropped connection during the last prune does not undo a healthy deploy.
         */
        private Optional<StepFailure> failed(List<HostCommands.Step> steps, StepReport report, StepFailure failure) {
            took(report);
            boolean onlyMayFail = steps.stream()
                    .filter(s -> !report.done().contains(s.name()) && !report.warned().containsKey(s.name()))
                    .allMatch(HostCommands.Step::mayFail);
            if (!onlyMayFail) {
                return Optional.of(failure);
            }
            warnings.add(failure.message() + (failure.output().isEmpty() ? "" : ": " + failure.output()));
            return Optional.empty();
        }
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
     * The progress lines of one command, as they come (on the SSH client's thread), passed on to
     * the listener until the command is over for this controller; read once it is. While it is not
     * over, a {@code confirm} step that starts is told to go on.
     */
    private static final class Progress {
        private final AppEnv id;
        private final HostAddress host;
        private final RolloutListener listener;
        private final StringBuilder said = new StringBuilder();
        private boolean over;

        Progress(AppEnv id, HostAddress host, RolloutListener listener) {
            this.id = id;
            this.host = host;
            this.listener = listener;
        }

        synchronized Optional<String> hear(String line) {
            if (over) {
                return Optional.empty();
            }
            said.append(line).append('\n');
            if (HostCommands.confirms(line)) {
                return Optional.of(HostCommands.GO);
            }
            StepReport.starting(line).ifPresent(step -> listener.step(id, host, step));
            return Optional.empty();
        }

        /** Ends the progress: later lines are ignored. Returns what was said. */
        synchronized StepReport end() {
            over = true;
            return StepReport.parse(said.toString());
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
