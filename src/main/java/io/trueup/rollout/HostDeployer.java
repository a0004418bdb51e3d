package io.trueup.rollout;

import io.trueup.TrueupException;
import io.trueup.desired.AppSpec;
import io.trueup.desired.HostAddress;
import io.trueup.desired.Sha;
import io.trueup.git.CommitPusher;
import io.trueup.host.HostCommands;
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
import java.util.Map;
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
    private final Map<String, String> lock;
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
        this.lock = lock.env();
        this.clock = clock;
    }

    public HostOutcome deploy(AppSpec spec, HostPlan plan, RolloutListener listener) {
        Instant start = clock.instant();
        HostAddress host = plan.host();
        List<String> done = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        boolean switched = false;
        for (Action action : plan.actions()) {
            listener.step(spec.id(), host, action.step());
            Optional<StepFailure> failure = run(spec, host, action);
            if (failure.isPresent() && action instanceof Action.Prune) {
                warnings.add(failure.get().message() + ": " + failure.get().output());
                continue;
            }
            if (failure.isPresent()) {
                StepFailure f = failure.get();
                Optional<HostOutcome.Rollback> rollback = switched
                        ? Optional.of(rollBack(spec, host, plan.rollbackTo(), plan.previousBefore()))
                        : Optional.empty();
                if (!f.transientFailure() && rollback.map(HostOutcome.Rollback::succeeded).orElse(!switched)) {
                    removeFailedRelease(spec, host, plan, done);
                }
                return new HostOutcome.Failed(host, f.step(), f.message(), f.output(), f.transientFailure(), rollback);
            }
            switched |= action instanceof Action.Switch;
            done.add(action.step());
        }
        return new HostOutcome.Deployed(host, spec.sha(), done, Duration.between(start, clock.instant()), warnings);
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
            run(spec, host, new Action.Prune(List.of(spec.sha()), envs));
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
        Optional<StepFailure> failure = guarded("switch", host,
                () -> command(spec, host, HostCommands.switchBack(spec, to.get(), previous)))
                .or(() -> run(spec, host, new Action.Restart()))
                .or(() -> run(spec, host, new Action.CheckHealth()));
        return failure
                .map(f -> new HostOutcome.Rollback(to.get(), false, f.message() + ": " + f.output()))
                .orElseGet(() -> new HostOutcome.Rollback(to.get(), true, "switched back to " + to.get().abbrev()
                        + ", restarted" + (spec.health().configured() ? " and healthy" : "")));
    }

    /** Runs one step; empty when it succeeded. */
    Optional<StepFailure> run(AppSpec spec, HostAddress host, Action action) {
        return guarded(action.step(), host, () -> switch (action) {
            case Action.Cleanup c -> command(spec, host, HostCommands.cleanup(spec));
            case Action.Prepare p -> command(spec, host, HostCommands.prepare(spec));
            case Action.Push push -> push(spec, host, push.sha());
            case Action.MakeRelease r -> command(spec, host, HostCommands.release(spec));
            case Action.BuildEnv e -> command(spec, host, HostCommands.buildEnv(spec));
            case Action.Switch s -> command(spec, host, HostCommands.switchTo(spec, s.sha()));
            case Action.Restart r -> spec.restart().isEmpty() ? Optional.empty()
                    : command(spec, host, HostCommands.run(spec, "restart", spec.restart().get()));
            case Action.CheckHealth c -> health.check(spec, host);
            case Action.Prune p -> command(spec, host, HostCommands.prune(spec, p.releases(), p.envs()));
        });
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
        return guarded("record", host, () -> command(spec, host, HostCommands.record(spec, line))).isEmpty();
    }

    /** Runs a changing step under the host lock; a busy lock is a transient failure. */
    private Optional<StepFailure> command(AppSpec spec, HostAddress host, RemoteCommand command) {
        CommandResult result = shell.run(HostCommands.target(spec, host), command.withEnv(lock), commandTimeout);
        if (result.ok()) {
            result.stderr().lines().filter(line -> line.startsWith("trueup: "))
                    .forEach(line -> LOG.warnf("%s on %s: %s", command.name(), host, line.substring(8)));
            return Optional.empty();
        }
        if (result.exitCode() == LOCKED) {
            return Optional.of(new StepFailure(command.name(), command.name() + " on " + host
                    + " waits: another controller is working there", result.tail(3), true));
        }
        return Optional.of(new StepFailure(command.name(), command.name() + " on " + host + " failed with exit "
                + result.exitCode(), result.tail(20), false));
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
