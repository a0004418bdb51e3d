package io.trueup.support;

import io.trueup.host.HostCommands;
import io.trueup.host.HostStep;
import io.trueup.host.StepReport;
import io.trueup.ssh.CommandResult;
import io.trueup.ssh.CommandTimeoutException;
import io.trueup.ssh.RemoteCommand;
import io.trueup.ssh.RemoteShell;
import io.trueup.ssh.SshTarget;
import io.trueup.ssh.StdoutListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A scripted {@link RemoteShell}: answers each step by name (exit 0 unless scripted otherwise)
 * and records every step it was asked to run, as {@code host step}. A command of several steps
 * ({@link HostCommands#command}) is answered as the host would: step after step, each reported
 * on stdout, until one fails that may not. An {@code inspect} prints the report scripted for its
 * host ({@link #report}), as {@code inspect.sh} would; nothing, an empty host, otherwise. Thread-safe.
 */
public final class FakeRemoteShell implements RemoteShell {

    /** A scripted answer; a null code means the step outlives the command's timeout. */
    private record Answer(Integer code, String stderr) {
    }

    private final Map<String, Answer> answers = new HashMap<>();
    private final Map<String, String> reports = new HashMap<>();
    private final List<String> calls = new ArrayList<>();
    private final List<String> commands = new ArrayList<>();

    /** Makes {@code step} exit with {@code code} and {@code stderr} on {@code host} ("*" for any host). */
    public synchronized FakeRemoteShell fail(String host, String step, int code, String stderr) {
        answers.put(host + " " + step, new Answer(code, stderr));
        return this;
    }

    /** Makes {@code step} on {@code host} run past the command's timeout ("*" for any host). */
    public synchronized FakeRemoteShell timeOut(String host, String step) {
        answers.put(host + " " + step, new Answer(null, ""));
        return this;
    }

    /** Makes {@code inspect} on {@code host} print {@code report}, in the format of {@code inspect.sh}. */
    public synchronized FakeRemoteShell report(String host, String report) {
        reports.put(host, report);
        return this;
    }

    /** Every step run, as {@code host step}, in order. */
    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    /** Every command run, as {@code host name} (the steps of one command joined with +), in order. */
    public synchronized List<String> commands() {
        return List.copyOf(commands);
    }

    @Override
    public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout) {
        return run(target, command, timeout, StdoutListener.NONE);
    }

    /**
     * Answers as the host would; a {@code confirm} step goes on when the listener answers
     * {@link HostCommands#GO} to its start, and fails with {@link HostCommands#NO_WORD}
     * otherwise, as it does when trueup's connection is gone.
     */
    @Override
    public synchronized CommandResult run(SshTarget target, RemoteCommand command, Duration timeout,
            StdoutListener listener) {
        String host = target.address();
        commands.add(host + " " + command.name());
        List<HostCommands.Step> steps = HostCommands.stepsOf(command);
        if (steps.isEmpty()) {
            calls.add(host + " " + command.name());
            Answer answer = answer(host, command.name());
            if (answer.code() == null) {
                throw new CommandTimeoutException(target, command.name() + " on " + host + " timed out");
            }
            String stdout = command.name().equals("inspect") ? reports.getOrDefault(host, "") : "";
            return new CommandResult(answer.code(), stdout, answer.stderr(), Duration.ZERO);
        }
        StringBuilder stdout = new StringBuilder();
        StringBuilder stderr = new StringBuilder();
        for (HostCommands.Step step : steps) {
            calls.add(host + " " + step.name());
            Answer answer = answer(host, step.name());
            Optional<String> word = listener.hear("start " + step.name());
            if (answer.code() == null) {
                throw new CommandTimeoutException(target, command.name() + " on " + host + " timed out");
            }
            if (step.step() == HostStep.CONFIRM && answer.code() == 0 && !word.equals(Optional.of(HostCommands.GO))) {
                answer = new Answer(HostCommands.NO_WORD, "no word from trueup to switch; stopped before the switch\n");
            }
            String lines = StepReport.lines(step.step(), answer.code(), step.mayFail());
            lines.lines().skip(1).forEach(listener::hear);
            stdout.append(lines);
            stderr.append(answer.stderr());
            if (answer.code() != 0 && !step.mayFail()) {
                return new CommandResult(answer.code(), stdout.toString(), stderr.toString(), Duration.ZERO);
            }
        }
        return new CommandResult(0, stdout.toString(), stderr.toString(), Duration.ZERO);
    }

    private Answer answer(String host, String step) {
        return answers.getOrDefault(host + " " + step, answers.getOrDefault("* " + step, new Answer(0, "")));
    }

    @Override
    public Process start(SshTarget target, String commandLine) {
        throw new UnsupportedOperationException("the fake shell runs no raw commands");
    }
}
