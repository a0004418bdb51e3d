package io.trueup.support;

import io.trueup.host.HostCommands;
import io.trueup.host.StepReport;
import io.trueup.ssh.CommandResult;
import io.trueup.ssh.CommandTimeoutException;
import io.trueup.ssh.RemoteCommand;
import io.trueup.ssh.RemoteShell;
import io.trueup.ssh.SshTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A scripted {@link RemoteShell}: answers each step by name (exit 0 unless scripted otherwise)
 * and records every step it was asked to run, as {@code host step}. A command of several steps
 * ({@link HostCommands#command}) is answered as the host would: step after step, each reported
 * on stdout, until one fails that may not. Thread-safe.
 */
public final class FakeRemoteShell implements RemoteShell {

    /** A scripted answer; a null code means the step outlives the command's timeout. */
    private record Answer(Integer code, String stderr) {
    }

    private final Map<String, Answer> answers = new HashMap<>();
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
        return run(target, command, timeout, line -> { });
    }

    @Override
    public synchronized CommandResult run(SshTarget target, RemoteCommand command, Duration timeout,
            java.util.function.Consumer<String> stdoutLines) {
        String host = target.address();
        commands.add(host + " " + command.name());
        List<HostCommands.Step> steps = HostCommands.stepsOf(command);
        if (steps.isEmpty()) {
            calls.add(host + " " + command.name());
            Answer answer = answer(host, command.name());
            if (answer.code() == null) {
                throw new CommandTimeoutException(target, command.name() + " on " + host + " timed out");
            }
            return new CommandResult(answer.code(), "", answer.stderr(), Duration.ZERO);
        }
        StringBuilder stdout = new StringBuilder();
        StringBuilder stderr = new StringBuilder();
        for (HostCommands.Step step : steps) {
            calls.add(host + " " + step.name());
            Answer answer = answer(host, step.name());
            if (answer.code() == null) {
                stdoutLines.accept("start " + step.name());
                throw new CommandTimeoutException(target, command.name() + " on " + host + " timed out");
            }
            String lines = StepReport.lines(step.name(), answer.code(), step.mayFail());
            lines.lines().forEach(stdoutLines);
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
