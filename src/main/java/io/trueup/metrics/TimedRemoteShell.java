package io.trueup.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.trueup.ssh.CommandResult;
import io.trueup.ssh.RemoteCommand;
import io.trueup.ssh.RemoteShell;
import io.trueup.ssh.SshTarget;
import io.trueup.ssh.StdoutListener;
import java.time.Duration;

/**
 * A {@link RemoteShell} that times every command into {@code trueup_ssh_command_seconds}, tagged
 * by the command's name (its step, or its steps joined with {@code +}) and outcome ({@code success},
 * {@code failure} for a non-zero exit, {@code error} when it threw), never by host, so the number
 * of series stays bounded by the step sequences trueup's plans have. A raw process ({@link #start}:
 * JGit's git commands, such as a push's {@code git-receive-pack}) is timed from its start (which
 * includes a new login when the host's connection had closed) to its exit, under its program's
 * name, {@code failure} also when the connection dropped. As thread-safe as its delegate.
 *
 * @param delegate the shell that runs the commands
 */
public record TimedRemoteShell(RemoteShell delegate, MeterRegistry registry) implements RemoteShell {

    static final String NAME = "trueup.ssh.command";
    static final Duration[] BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(300)};

    @Override
    public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout) {
        return timed(command, () -> delegate.run(target, command, timeout));
    }

    @Override
    public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout,
            StdoutListener listener) {
        return timed(command, () -> delegate.run(target, command, timeout, listener));
    }

    private CommandResult timed(RemoteCommand command, java.util.function.Supplier<CommandResult> run) {
        Timer.Sample sample = Timer.start(registry);
        String outcome = "error";
        try {
            CommandResult result = run.get();
            outcome = result.ok() ? "success" : "failure";
            return result;
        } finally {
            sample.stop(timer(command.name(), outcome));
        }
    }

    @Override
    public Process start(SshTarget target, String commandLine) {
        Timer.Sample sample = Timer.start(registry);
        String program = commandLine.strip().split("\\s+", 2)[0];
        Process process;
        try {
            process = delegate.start(target, commandLine);
        } catch (RuntimeException e) {
            sample.stop(timer(program, "error"));
            throw e;
        }
        process.onExit().whenComplete((exited, e) -> sample.stop(timer(program,
                e == null && exitValue(exited) == 0 ? "success" : "failure")));
        return process;
    }

    private static int exitValue(Process exited) {
        try {
            return exited.exitValue();
        } catch (IllegalThreadStateException e) {
            return -1;
        }
    }

    private Timer timer(String step, String outcome) {
        return Timer.builder(NAME).description("Commands run on hosts over SSH, by step")
                .tag("step", step).tag("outcome", outcome).serviceLevelObjectives(BUCKETS).register(registry);
    }
}
