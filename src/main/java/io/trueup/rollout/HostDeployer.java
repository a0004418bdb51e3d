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
import io.trueup.ssh.CommandTimeoutException;
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

    private final RemoteShell shell;
    private final CommitPusher pusher;
    private final HealthChecker health;
    private final Duration commandTimeout;
    private final Clock clock;

    public HostDeployer(RemoteShell shell, CommitPusher pusher, HealthChecker health, Duration commandTimeout,
            Clock clock) {
        this.shell = shell;
        this.pusher = pusher;
        this.health = health;
        this.commandTimeout = commandTimeout;
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
                        ? Optional.of(rollBack(spec, host, plan.rollbackTo()))
                        : Optional.empty();
                return new HostOutcome.Failed(host, f.step(), f.message(), f.output(), f.transientFailure(), rollback);
            }
            switched |= action instanceof Action.Switch;
            done.add(action.step());
        }
        return new HostOutcome.Deployed(host, spec.sha(), done, Duration.between(start, clock.instant()), warnings);
    }

    /** Switches {@code host} back to {@code to} and restarts it; says whether that worked. */
    public HostOutcome.Rollback rollBack(AppSpec spec, HostAddress host, Optional<Sha> to) {
        if (to.isEmpty()) {
            return new HostOutcome.Rollback(spec.sha(), false, "no previous release on the host to roll back to");
        }
        Optional<StepFailure> failure = run(spec, host, new Action.Switch(to.get()))
                .or(() -> run(spec, host, new Action.Restart()));
        return failure
                .map(f -> new HostOutcome.Rollback(to.get(), false, f.message() + ": " + f.output()))
                .orElseGet(() -> new HostOutcome.Rollback(to.get(), true,
                        "switched back to " + to.get().abbrev() + " and restarted"));
    }

    /** Runs one step; empty when it succeeded. */
    Optional<StepFailure> run(AppSpec spec, HostAddress host, Action action) {
        try {
            return switch (action) {
                case Action.Prepare p -> command(spec, host, HostCommands.prepare(spec));
                case Action.Push push -> push(spec, host, push.sha());
                case Action.MakeRelease r -> command(spec, host, HostCommands.release(spec));
                case Action.BuildEnv e -> command(spec, host, HostCommands.buildEnv(spec));
                case Action.Switch s -> command(spec, host, HostCommands.switchTo(spec, s.sha()));
                case Action.Restart r -> spec.restart().isEmpty() ? Optional.empty()
                        : command(spec, host, HostCommands.run(spec, "restart", spec.restart().get()));
                case Action.CheckHealth c -> health.check(spec, host);
                case Action.Prune p -> command(spec, host, HostCommands.prune(spec, p.releases(), p.envs()));
            };
        } catch (CommandTimeoutException e) {
            return Optional.of(new StepFailure(action.step(), e.getMessage(), "", false));
        } catch (RemoteException e) {
            return Optional.of(new StepFailure(action.step(), e.getMessage(), "", e.transientFailure()));
        } catch (TrueupException e) {
            return Optional.of(new StepFailure(action.step(), action.step() + " on " + host + " failed: "
                    + e.getMessage(), "", false));
        }
    }

    private Optional<StepFailure> command(AppSpec spec, HostAddress host, RemoteCommand command) {
        CommandResult result = shell.run(HostCommands.target(spec, host), command, commandTimeout);
        if (result.ok()) {
            return Optional.empty();
        }
        return Optional.of(new StepFailure(command.name(), command.name() + " on " + host + " failed with exit "
                + result.exitCode(), result.tail(20), false));
    }

    private Optional<StepFailure> push(AppSpec spec, HostAddress host, Sha sha) {
        pusher.push(spec.id().app(), sha, HostCommands.target(spec, host), HostCommands.repository(spec));
        return Optional.empty();
    }
}
