package io.trueup.rollout;

import io.trueup.TrueupException;
import io.trueup.desired.AppEnv;
import io.trueup.desired.AppSpec;
import io.trueup.desired.HostAddress;
import io.trueup.host.HostCommands;
import io.trueup.host.HostStep;
import io.trueup.host.StepReport;
import io.trueup.observe.Observation;
import io.trueup.observe.ObservationParser;
import io.trueup.ssh.CommandResult;
import io.trueup.ssh.RemoteCommand;
import io.trueup.ssh.RemoteException;
import io.trueup.ssh.RemoteShell;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The host commands of one deploy (or rollback) of one host: runs steps under the host lock,
 * tells the listener each step as the host starts and ends it, answers its {@code confirm} step,
 * and keeps which steps succeeded and which failures did not matter. Not thread-safe: one
 * host's deploy runs its commands one after another.
 */
final class HostSteps {

    private static final Logger LOG = Logger.getLogger(HostSteps.class);

    /**
     * How commands are run: through {@code shell}, holding the lock of {@code lock}'s owner,
     * taken at {@code clock}'s time, each within {@code commandTimeout} (plus its hooks' time), and
     * each only once {@code gate} let it: it throws when this controller may no longer act on the
     * app/environment's hosts (with replicas, when this one lost its lease), before every command
     * and before the word to go on to a switch.
     */
    record Runner(RemoteShell shell, HostLock lock, Clock clock, Duration commandTimeout,
            java.util.function.Consumer<AppEnv> gate) {
    }

    private final Runner runner;
    private final AppSpec spec;
    private final HostAddress host;
    private final ActionSteps actions;
    private final RolloutListener listener;
    final List<HostStep> done = new ArrayList<>();
    final List<HostStep> started = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    /** How many commands it ran, each holding the host lock. */
    int commands;
    /**
     * What the host held when its last command ended, as that command said ({@link #runLastReporting}):
     * empty unless it ran to its end (no step stopped it; one that may fail may have).
     */
    Optional<Observation> seen = Optional.empty();

    /** @param actions the host's steps, for the time a command may take; null for commands without hooks */
    HostSteps(Runner runner, AppSpec spec, HostAddress host, ActionSteps actions, RolloutListener listener) {
        this.runner = runner;
        this.spec = spec;
        this.host = host;
        this.actions = actions;
        this.listener = listener;
    }

    /** What its commands ran so far. */
    FollowUp.Ran ran() {
        return new FollowUp.Ran(started, done, commands);
    }

    /**
     * Notes the steps a command says succeeded; neither the history line nor the wait for the
     * word to switch is a step of the deploy.
     */
    private void took(StepReport report) {
        started.addAll(report.started());
        report.done().stream().filter(HostStep::ofADeploy).forEach(done::add);
    }

    /**
     * Runs {@code steps} (if any) as one command, keeping the host lock for the next command of
     * this deploy; empty when none failed but those that may.
     */
    Optional<StepFailure> run(List<HostCommands.Step> steps) {
        return run(steps, true);
    }

    /** Runs {@code steps} as the last command of this deploy: the host lock is freed when it ends. */
    Optional<StepFailure> runLast(List<HostCommands.Step> steps) {
        return run(steps, false);
    }

    /** Runs {@code steps} (if any) as one command, keeping the host lock for the next one if {@code hold}. */
    Optional<StepFailure> run(List<HostCommands.Step> steps, boolean hold) {
        return run(steps, hold, false);
    }

    /**
     * Runs {@code steps} as the last command of this deploy, which frees the host lock and, when
     * it ran to its end (no step stopped it), says what the host holds then ({@link #seen}).
     */
    Optional<StepFailure> runLastReporting(List<HostCommands.Step> steps) {
        return run(steps, false, true);
    }

    private Optional<StepFailure> run(List<HostCommands.Step> steps, boolean hold, boolean reporting) {
        if (steps.isEmpty()) {
            return Optional.empty();
        }
        RemoteCommand command = (reporting ? HostCommands.reporting(spec, steps) : HostCommands.command(spec, steps))
                .withEnv(runner.lock().env(runner.clock().instant(), hold));
        commands++;
        HostStep first = steps.get(0).step();
        try {
            runner.gate().accept(spec.id());
        } catch (RuntimeException e) {
            return Optional.of(StepFailure.of(first, command.name() + " on " + host + " not sent: "
                    + e.getMessage(), "", true));
        }
        Progress progress = new Progress(spec.id(), host, listener, runner.gate());
        Duration timeout = actions == null ? runner.commandTimeout()
                : actions.timeout(steps, runner.commandTimeout());
        CommandResult result;
        try {
            result = runner.shell().run(HostCommands.target(spec, host), command, timeout, progress::hear);
        } catch (RemoteException e) {
            // A timeout counts as the network's (transient): a connection cut mid-command looks the same.
            return failed(steps, progress.end(), StepFailure.of(progress.end().blame(first), e.getMessage(), "",
                    e.transientFailure()));
        } catch (TrueupException e) {
            HostStep step = progress.end().blame(first);
            return failed(steps, progress.end(), StepFailure.of(step, step + " on " + host + " failed: "
                    + e.getMessage(), "", false));
        }
        progress.end();
        StepReport report = StepReport.parse(result.stdout());
        String output = result.stderr().isBlank() ? "" : result.tail(20);
        report.warned().forEach((step, code) -> warnings.add(spec.redact(step + " on " + host
                + " failed with exit " + code + (output.isEmpty() ? "" : ": " + output))));
        if (result.ok()) {
            took(report);
            seen = report.seen().map(ObservationParser::parse);
            result.stderr().lines().filter(line -> line.startsWith("trueup: "))
                    .forEach(line -> LOG.warnf("%s on %s: %s", command.name(), host,
                            spec.redact(line.substring(8))));
            return Optional.empty();
        }
        HostStep step = report.blame(first);
        if (result.exitCode() == HostCommands.NOT_AS_SEEN && step == HostStep.VERIFY) {
            return Optional.of(StepFailure.notAsSeen(host + " is not as inspected: " + result.tail(3).strip()));
        }
        if (result.exitCode() == HostCommands.NO_WORD && step == HostStep.CONFIRM && progress.refused().isPresent()) {
            return failed(steps, report, StepFailure.of(step, step + " on " + host + " stopped before the switch:"
                    + " a step before it could not be recorded (" + progress.refused().get() + ")", result.tail(3),
                    true));
        }
        if (result.exitCode() == HostCommands.NO_WORD && step == HostStep.CONFIRM) {
            // This controller's word did not reach the host in time: the network's failure, not the release's.
            return failed(steps, report, StepFailure.of(step, step + " on " + host + " stopped before the switch:"
                    + " trueup's word to go on did not reach it", result.tail(3), true));
        }
        if (result.exitCode() == HostCommands.NOT_OURS && report.started().isEmpty()) {
            String why = result.stderr().lines().filter(l -> l.startsWith("not ours: ")).findFirst()
                    .filter(l -> l.contains(" is the base directory of ")).isPresent()
                    ? "it is the base directory of another app/environment"
                    : "it is not empty and trueup did not make it";
            return failed(steps, report, StepFailure.of(step, "trueup will not deploy into " + spec.path() + " on "
                    + host + ": " + why, result.tail(3), false));
        }
        if (result.exitCode() == HostCommands.LOCKED && report.started().isEmpty()) {
            String holder = result.stderr().lines().filter(l -> l.startsWith("locked by ")).findFirst()
                    .map(l -> l.substring("locked by ".length()).replaceFirst(" pid [0-9]+$", ""))
                    .orElse("another controller");
            return failed(steps, report, StepFailure.of(step, host + StepFailure.LOCKED_BY + holder
                    + "; tried again later", "", true));
        }
        return failed(steps, report, StepFailure.of(step, step + " on " + host + " failed with exit "
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
                .filter(s -> !report.done().contains(s.step()) && !report.warned().containsKey(s.step()))
                .allMatch(HostCommands.Step::mayFail);
        if (!onlyMayFail) {
            return Optional.of(failure);
        }
        warnings.add(spec.redact(failure.message() + (failure.output().isEmpty() ? "" : ": " + failure.output())));
        return Optional.empty();
    }

    /**
     * The progress lines of one command, as they come (on the SSH client's thread), passed on to
     * the listener until the command is over for this controller; read once it is. While it is not
     * over, a {@code confirm} step that starts is told to go on, unless the listener could not take
     * a step before it (it could not save the rollout: with replicas, this one lost the lease), when
     * it is told not to: the host stops before the switch.
     */
    private static final class Progress {
        private final AppEnv id;
        private final HostAddress host;
        private final RolloutListener listener;
        private final java.util.function.Consumer<AppEnv> gate;
        private final StringBuilder said = new StringBuilder();
        private boolean over;
        private boolean reported;
        private Optional<String> refused = Optional.empty();

        Progress(AppEnv id, HostAddress host, RolloutListener listener, java.util.function.Consumer<AppEnv> gate) {
            this.id = id;
            this.host = host;
            this.listener = listener;
            this.gate = gate;
        }

        synchronized Optional<String> hear(String line) {
            if (over || reported) {
                return Optional.empty();
            }
            if (line.equals(StepReport.SEEN)) {
                reported = true; // what follows is the host's report, not steps
                return Optional.empty();
            }
            said.append(line).append('\n');
            if (HostCommands.confirms(line)) {
                // A step this controller could not record, or a lease gone, stops the host before the switch.
                if (refused.isEmpty()) {
                    try {
                        gate.accept(id);
                    } catch (RuntimeException e) {
                        refused = Optional.of(String.valueOf(e.getMessage()));
                    }
                }
                return Optional.of(refused.isEmpty() ? HostCommands.GO : HostCommands.NO);
            }
            try {
                StepReport.starting(line).ifPresent(step -> listener.step(id, host, step.word()));
                StepReport.finishing(line).ifPresent(step -> listener.done(id, host, step));
            } catch (RuntimeException e) {
                if (refused.isEmpty()) {
                    LOG.warnf("%s on %s: cannot record %s (%s): the host stops before its switch", id, host,
                            line, e.getMessage());
                }
                refused = refused.or(() -> Optional.of(String.valueOf(e.getMessage())));
            }
            return Optional.empty();
        }

        /** Why a step of this command could not be recorded, if one could not. */
        synchronized Optional<String> refused() {
            return refused;
        }

        /** Ends the progress: later lines are ignored. Returns what was said. */
        synchronized StepReport end() {
            over = true;
            return StepReport.parse(said.toString());
        }
    }
}
