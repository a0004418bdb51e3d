package io.trueup.support;

import io.trueup.ssh.CommandResult;
import io.trueup.ssh.RemoteCommand;
import io.trueup.ssh.RemoteShell;
import io.trueup.ssh.SshTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A scripted {@link RemoteShell}: answers each step by name (exit 0 unless scripted otherwise)
 * and records every command it was asked to run, as {@code host step}. Thread-safe.
 */
public final class FakeRemoteShell implements RemoteShell {

    private final Map<String, Function<RemoteCommand, CommandResult>> answers = new HashMap<>();
    private final List<String> calls = new ArrayList<>();

    /** Makes {@code step} exit with {@code code} and {@code stderr} on {@code host} ("*" for any host). */
    public synchronized FakeRemoteShell fail(String host, String step, int code, String stderr) {
        answers.put(host + " " + step, c -> new CommandResult(code, "", stderr, Duration.ZERO));
        return this;
    }

    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    @Override
    public synchronized CommandResult run(SshTarget target, RemoteCommand command, Duration timeout) {
        String host = target.address();
        calls.add(host + " " + command.name());
        var answer = answers.getOrDefault(host + " " + command.name(), answers.get("* " + command.name()));
        return answer != null ? answer.apply(command) : new CommandResult(0, "", "", Duration.ZERO);
    }

    @Override
    public Process start(SshTarget target, String commandLine) {
        throw new UnsupportedOperationException("the fake shell runs no raw commands");
    }
}
