package io.trueup.host;

import io.trueup.desired.AppSpec;
import io.trueup.desired.HostAddress;
import io.trueup.desired.RequirementsHash;
import io.trueup.desired.Sha;
import io.trueup.ssh.RemoteCommand;
import io.trueup.ssh.SshTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the commands trueup runs on a host, one per step, from fixed scripts (resources next
 * to this class) and validated arguments. The scripts keep the host layout:
 *
 * <pre>
 * &lt;path&gt;/repo.git              bare repository that trueup pushes objects into
 * &lt;path&gt;/releases/&lt;sha&gt;/       one fresh local clone per release
 * &lt;path&gt;/envs/&lt;hash&gt;/          virtualenv for one requirements hash
 * &lt;path&gt;/releases/&lt;sha&gt;/.venv  -&gt; ../../envs/&lt;hash&gt;
 * &lt;path&gt;/current               -&gt; releases/&lt;sha&gt;   (switched atomically)
 * &lt;path&gt;/previous              -&gt; the release current pointed at before
 * </pre>
 *
 * Stateless and safe to share.
 */
public final class HostCommands {

    private static final String COMMON = load("common.sh");
    private static final String INSPECT = load("inspect.sh");
    private static final String PREPARE = COMMON + load("prepare.sh");
    private static final String RELEASE = COMMON + load("release.sh");
    private static final String ENV = COMMON + load("env.sh");
    private static final String SWITCH = COMMON + load("switch.sh");
    private static final String RUN = COMMON + load("run.sh");
    private static final String PRUNE = COMMON + load("prune.sh");
    private static final String CLEANUP = COMMON + load("cleanup.sh");
    private static final String RECORD = COMMON + load("record.sh");

    private HostCommands() {
    }

    /** The SSH login for {@code host} of this app/environment. */
    public static SshTarget target(AppSpec spec, HostAddress host) {
        return new SshTarget(host.name(), host.port(), spec.user());
    }

    /** Reports the base directory's state; read-only. See {@code observe.Observation}. */
    public static RemoteCommand inspect(AppSpec spec) {
        return RemoteCommand.of("inspect", INSPECT, spec.path(), spec.sha().hex());
    }

    public static RemoteCommand prepare(AppSpec spec) {
        return RemoteCommand.of("prepare", PREPARE, spec.path());
    }

    /** The bare repository's path, as git on the host resolves it (relative to home if relative). */
    public static String repository(AppSpec spec) {
        return spec.path() + "/repo.git";
    }

    public static RemoteCommand release(AppSpec spec) {
        return RemoteCommand.of("release", RELEASE, spec.path(), spec.sha().hex(), spec.requirementsHash().hex());
    }

    public static RemoteCommand buildEnv(AppSpec spec) {
        return RemoteCommand.of("env", ENV, spec.path(), spec.requirementsHash().hex(), spec.sha().hex(),
                spec.requirements(), spec.wheelhouse(), spec.python());
    }

    public static RemoteCommand switchTo(AppSpec spec, Sha sha) {
        return RemoteCommand.of("switch", SWITCH, spec.path(), sha.hex());
    }

    /** Switches back to {@code sha} after a failed deploy, with {@code previous} restored as it was. */
    public static RemoteCommand switchBack(AppSpec spec, Sha sha, java.util.Optional<Sha> previous) {
        return RemoteCommand.of("switch", SWITCH, spec.path(), sha.hex(), previous.map(Sha::hex).orElse(""));
    }

    /** Appends {@code line} (one JSON object) to {@code .trueup/history.log}. */
    public static RemoteCommand record(AppSpec spec, String line) {
        if (line.contains("\n")) {
            throw new IllegalArgumentException("a history line is one line");
        }
        return RemoteCommand.of("record", RECORD, spec.path(), line);
    }

    /** Removes what an interrupted step left: temporary releases, envs never completed. */
    public static RemoteCommand cleanup(AppSpec spec) {
        return RemoteCommand.of("cleanup", CLEANUP, spec.path());
    }

    /** Runs {@code shellText} (a restart or health command from desired state) in the current release. */
    public static RemoteCommand run(AppSpec spec, String step, String shellText) {
        return RemoteCommand.of(step, RUN, spec.path(), shellText);
    }

    public static RemoteCommand prune(AppSpec spec, List<Sha> releases, List<RequirementsHash> envs) {
        List<String> args = new ArrayList<>();
        args.add(spec.path());
        releases.forEach(sha -> args.add(sha.hex()));
        args.add("--");
        envs.forEach(env -> args.add(env.hex()));
        return new RemoteCommand("prune", PRUNE, args);
    }

    private static String load(String name) {
        try (InputStream in = HostCommands.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("host script missing from the build: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
