package io.trueup.rollout;

import io.trueup.TrueupException;
import io.trueup.desired.HostAddress;
import io.trueup.desired.Removal;
import io.trueup.host.HostCommands;
import io.trueup.host.HostStep;
import io.trueup.host.StepReport;
import io.trueup.ssh.CommandResult;
import io.trueup.ssh.RemoteCommand;
import io.trueup.ssh.RemoteException;
import io.trueup.ssh.RemoteShell;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Undeploys hosts that desired state no longer lists: one command per host, under the host lock
 * ({@link HostCommands#undeploy}), that stops the app, removes {@code current} and
 * {@code previous}, and appends the undeploy to the host's {@code .trueup/history.log}. Releases,
 * envs and shared paths stay. Stateless; safe to call for many hosts at once.
 */
public final class HostUndeployer {

    /** How an undeploy of one host ended. */
    public sealed interface Outcome {
        HostAddress host();
    }

    /** The app was stopped (if it has a stop command) and {@code current} removed. */
    public record Undeployed(HostAddress host) implements Outcome {
    }

    /**
     * It did not happen: {@code step} failed ({@code stop}, {@code unlink}), or the host could not
     * be reached or was locked by another controller ({@code transientFailure}). {@code current}
     * is in place unless {@code step} is {@code unlink}.
     */
    public record Failed(HostAddress host, String step, String error, String output, boolean transientFailure)
            implements Outcome {
    }

    private final RemoteShell shell;
    private final HostLock lock;
    private final Clock clock;
    private final Duration timeout;

    /** @param timeout time allowed for one host's undeploy, its stop command included */
    public HostUndeployer(RemoteShell shell, HostLock lock, Clock clock, Duration timeout) {
        this.shell = shell;
        this.lock = lock;
        this.clock = clock;
        this.timeout = timeout;
    }

    /**
     * Undeploys {@code removal}'s host, which left desired state at {@code revision}, where the
     * app was last desired at {@code sha} (for the host's history).
     */
    public Outcome undeploy(Removal removal, String sha, String revision) {
        HostAddress host = removal.host();
        Instant now = clock.instant();
        RemoteCommand command = HostCommands.undeploy(removal, HistoryLine.undeployed(removal, sha, revision, now))
                .withEnv(lock.env(now));
        HostStep first = removal.stop().isPresent() ? HostStep.STOP : HostStep.UNLINK;
        CommandResult result;
        try {
            result = shell.run(HostCommands.target(removal), command, timeout);
        } catch (RemoteException e) {
            return new Failed(host, first.word(), e.getMessage(), "", e.transientFailure());
        } catch (TrueupException e) {
            return new Failed(host, first.word(), "undeploy on " + host + " failed: " + e.getMessage(), "", false);
        }
        if (result.ok()) {
            return new Undeployed(host);
        }
        StepReport report = StepReport.parse(result.stdout());
        String step = report.blame(first).word();
        if (result.exitCode() == HostCommands.LOCKED && report.started().isEmpty()) {
            return new Failed(host, step, step + " on " + host + " waits: another controller is working there",
                    result.tail(3), true);
        }
        return new Failed(host, step, step + " on " + host + " failed with exit " + result.exitCode(),
                result.stderr().isBlank() ? "" : result.tail(20), false);
    }
}
