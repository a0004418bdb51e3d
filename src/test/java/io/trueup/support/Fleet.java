package io.trueup.support;

import io.trueup.config.Wiring;
import io.trueup.demo.Wheels;
import io.trueup.desired.AppEnv;
import io.trueup.desired.RequirementsHash;
import io.trueup.git.AppMirrors;
import io.trueup.git.GitDesiredStateSource;
import io.trueup.git.GitHttp;
import io.trueup.git.GitSsh;
import io.trueup.git.WorkingRepo;
import io.trueup.reconcile.ControlStore;
import io.trueup.reconcile.ControllerState;
import io.trueup.reconcile.ReconcileObserver;
import io.trueup.render.SecretsDir;
import io.trueup.rollout.HostLock;
import io.trueup.rollout.RolloutStore;
import io.trueup.reconcile.Reconciler;
import io.trueup.reconcile.RolloutHistory;
import io.trueup.ssh.EmbeddedSshServer;
import io.trueup.ssh.MinaRemoteShell;
import io.trueup.ssh.SshKeys;
import io.trueup.status.AppStatus;
import io.trueup.status.StatusBoard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A small real fleet for integration tests: hosts that are Apache MINA SSH servers on
 * 127.0.0.1, each running real commands in its own home directory; an app repository made
 * from the e2e app with a wheelhouse; a desired-state repository with an environment
 * {@code apps/hello/test.yaml}; and a reconciler wired as the service wires it.
 */
public final class Fleet implements AutoCloseable {

    public static final AppEnv ID = new AppEnv("hello", "test");
    private static final Path E2E_APP = Path.of("e2e/app");

    private final Path dir;
    private final KeyPair client;
    private final List<EmbeddedSshServer> servers = new ArrayList<>();
    public final Path knownHosts;
    /** The controller's {@code trueup.secrets.dir}. */
    public final Path secrets;
    public final MinaRemoteShell shell;
    public final WorkingRepo app;
    public final WorkingRepo desired;
    public StatusBoard board;
    private final GitSsh gitSsh;
    private final AppMirrors mirrors;
    private GitDesiredStateSource source;
    private final List<GitDesiredStateSource> otherSources = new ArrayList<>();
    public ControlStore control;
    public RolloutHistory history;
    /** The controller's running rollouts, kept in its state directory as the service keeps them. */
    public RolloutStore rollouts;
    public Reconciler reconciler;
    /** What {@link #startController()} tells of what trueup does (a notifier, say). */
    public ReconcileObserver observer = ReconcileObserver.NONE;
    /** Whether {@link #startController()} starts trueup with {@code trueup.undeploy=auto}. */
    public boolean undeployAuto;
    /** The {@code trueup.policy.*} that {@link #startController()} starts trueup with. */
    public io.trueup.desired.Policy policy = io.trueup.desired.Policy.OPEN;
    /** The leases of the next controller started: this process's own unless a test puts others. */
    public io.trueup.store.Leases leases = io.trueup.store.Leases.local();

    /** The app's {@code source} in desired state; the app repository's directory unless set. */
    public String appSource;
    /** The PEM file of CAs trueup trusts for https git repositories ({@code trueup.git.ca-file}), if written. */
    public final Path gitCaFile;

    public Fleet(Path dir, int hosts, Map<String, String> hostEnvironment) throws IOException {
        this(dir, hosts, hostEnvironment, false);
    }

    /** A fleet whose hosts listen on the IPv6 loopback {@code ::1} with {@code ipv6}, named {@code [::1]:port}. */
    public Fleet(Path dir, int hosts, Map<String, String> hostEnvironment, boolean ipv6) throws IOException {
        this.dir = dir;
        Path identity = dir.resolve("id_ecdsa");
        client = SshKeys.createIdentity(identity);
        knownHosts = dir.resolve("known_hosts");
        secrets = Files.createDirectories(dir.resolve("secrets"));
        for (int i = 0; i < hosts; i++) {
            EmbeddedSshServer server = new EmbeddedSshServer(dir.resolve("host" + i), dir.resolve("host" + i + ".key"),
                    client.getPublic(), hostEnvironment, 0);
            (ipv6 ? server.onIpv6Loopback() : server).start();
            servers.add(server);
            SshKeys.addKnownHost(knownHosts, server.address(), server.port(), server.hostKey());
        }
        shell = new MinaRemoteShell(identity, knownHosts, Duration.ofSeconds(10));
        app = makeApp(dir.resolve("hello"));
        desired = WorkingRepo.open(Files.createDirectories(dir.resolve("desired-state")));
        gitCaFile = dir.resolve("git-ca.pem");
        SecretsDir secretsDir = new SecretsDir(Optional.of(secrets));
        gitSsh = new GitSsh(Optional.of(identity), Optional.of(knownHosts), dir.resolve("state"),
                new GitHttp(() -> secretsDir.optional(GitHttp.CREDENTIALS_FILE), Optional.of(gitCaFile)));
        mirrors = new AppMirrors(dir.resolve("state/mirrors"), gitSsh, Clock.systemUTC());
        source = new GitDesiredStateSource(desired.dir().toString(), "main", Optional.empty(),
                dir.resolve("state/desired.git"), gitSsh);
        startController();
    }

    /**
     * Starts trueup afresh on the same state directory, reading only desired-state commits that
     * {@code signed} accepts ({@code trueup.desired-state.verify}).
     */
    public void startController(io.trueup.git.SignedCommits signed) {
        source.close();
        source = new GitDesiredStateSource(desired.dir().toString(), "main", Optional.empty(),
                dir.resolve("state/desired.git"), gitSsh, signed);
        startController();
    }

    /**
     * Starts trueup afresh on the same state directory, as a restart of the service does: over a
     * new {@link io.trueup.ssh.KeepingShell}, as the service runs its commands, which knows of no
     * part kept on the hosts yet.
     */
    public void startController() {
        startController(new io.trueup.ssh.KeepingShell(shell), "state");
    }

    /**
     * Starts trueup afresh over {@code remote}, keeping its state in {@code state} under the
     * fleet's directory (another name stands for another controller).
     */
    public void startController(io.trueup.ssh.RemoteShell remote, String state) {
        startController(remote, state, source, desired);
    }

    /**
     * Starts another controller over {@code remote}, keeping its state in {@code state}, that
     * follows the desired-state repository {@code desiredRepo} (its branch main) rather than the
     * fleet's: two controllers that disagree on what the hosts should run.
     */
    public void startController(io.trueup.ssh.RemoteShell remote, String state, WorkingRepo desiredRepo) {
        GitDesiredStateSource other = new GitDesiredStateSource(desiredRepo.dir().toString(), "main", Optional.empty(),
                dir.resolve(state).resolve("desired.git"), gitSsh);
        otherSources.add(other);
        startController(remote, state, other, desiredRepo);
    }

    private void startController(io.trueup.ssh.RemoteShell remote, String state, GitDesiredStateSource from,
            WorkingRepo desiredRepo) {
        board = new StatusBoard(Optional.of(desiredRepo.dir().toString()), "main");
        ControllerState files = ControllerState.at(dir.resolve(state));
        ControllerState kept = new ControllerState(files.control(), files.rollouts(), files.lastValid(),
                files.history(), files.undeploys(), leases);
        control = kept.control();
        history = kept.history();
        rollouts = kept.rollouts();
        reconciler = controller(dir, state, from, remote, mirrors, board, kept, undeployAuto, observer, policy);
    }

    /**
     * The controller of a fleet in {@code dir} keeping its state in {@code state}, wired as the
     * service wires it: the one call {@link #startController} makes, and {@link ControllerProcess}
     * in a process of its own.
     */
    static Reconciler controller(Path dir, String state, io.trueup.git.DesiredStateSource source,
            io.trueup.ssh.RemoteShell remote, AppMirrors mirrors, StatusBoard board, ControllerState kept,
            boolean undeployAuto) {
        return controller(dir, state, source, remote, mirrors, board, kept, undeployAuto, ReconcileObserver.NONE,
                io.trueup.desired.Policy.OPEN);
    }

    private static Reconciler controller(Path dir, String state, io.trueup.git.DesiredStateSource source,
            io.trueup.ssh.RemoteShell remote, AppMirrors mirrors, StatusBoard board, ControllerState kept,
            boolean undeployAuto, ReconcileObserver observer, io.trueup.desired.Policy policy) {
        return Wiring.reconciler(Optional.of(source), remote, mirrors,
                new SecretsDir(Optional.of(dir.resolve("secrets"))), board, kept, Clock.systemUTC(),
                new Wiring.Limits(4, Duration.ofMinutes(2), Duration.ofSeconds(30), "deploy",
                        HostLock.of(dir.resolve(state), Duration.ofMinutes(30))), observer,
                new Wiring.Undeploying(undeployAuto), policy);
    }

    /** Where the controller keeping its state in {@code state} keeps the revisions of last valid states. */
    public Path lastValidFile(String state) {
        return dir.resolve(state).resolve("last-valid.json");
    }

    /** Paths under host {@code i}'s base that an interrupted step leaves, and the lock: none when all is well. */
    public List<String> leftovers(int i) {
        List<String> found = new ArrayList<>();
        for (String release : listAll(i, "releases")) {
            if (release.startsWith(".")) {
                found.add("releases/" + release);
            }
        }
        for (String env : list(i, "envs")) {
            if (!Files.exists(base(i).resolve("envs").resolve(env).resolve(".trueup-complete"))) {
                found.add("envs/" + env);
            }
        }
        if (Files.exists(base(i).resolve(".trueup/lock"))) {
            found.add(".trueup/lock");
        }
        return found;
    }

    private List<String> listAll(int i, String sub) {
        try (Stream<Path> entries = Files.list(base(i).resolve(sub))) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static WorkingRepo makeApp(Path repo) throws IOException {
        try (Stream<Path> files = Files.walk(E2E_APP)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = repo.resolve(E2E_APP.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Wheels.build(repo.resolve("libs/greeting"), "greeting", "1.0", repo.resolve("wheels"));
        WorkingRepo app = WorkingRepo.open(repo);
        app.commitAll("hello: first release");
        return app;
    }

    public int size() {
        return servers.size();
    }

    public EmbeddedSshServer server(int i) {
        return servers.get(i);
    }

    /** Host {@code i} comes back on the same port and home with a new host key; returns it. */
    public EmbeddedSshServer replaceHostKey(int i) throws IOException {
        EmbeddedSshServer old = servers.get(i);
        old.close();
        Files.delete(dir.resolve("host" + i + ".key"));
        EmbeddedSshServer impostor = new EmbeddedSshServer(old.root(), dir.resolve("host" + i + ".key"),
                client.getPublic(), Map.of(), old.port());
        (old.address().equals("::1") ? impostor.onIpv6Loopback() : impostor).start();
        servers.set(i, impostor);
        return impostor;
    }

    public String host(int i) {
        EmbeddedSshServer server = servers.get(i);
        String address = server.address().contains(":") ? "[" + server.address() + "]" : server.address();
        return address + ":" + server.port();
    }

    /** The app's base directory on host {@code i}. */
    public Path base(int i) {
        return servers.get(i).root().resolve("hello");
    }

    /** The name of the release {@code current} points at on host {@code i} ({@code <sha>} or {@code <sha>-<config>}), or "". */
    public String currentSha(int i) {
        try {
            Path link = base(i).resolve("current");
            return Files.isSymbolicLink(link) ? Files.readSymbolicLink(link).getFileName().toString() : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Names of the directories under {@code sub} (releases, envs) of host {@code i}'s base. */
    public List<String> list(int i, String sub) {
        try (Stream<Path> entries = Files.list(base(i).resolve(sub))) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Commits a change to the app; returns the new SHA. */
    public String commitApp(String file, String content) throws IOException {
        Path path = app.dir().resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
        return app.commitAll("change " + file);
    }

    public RequirementsHash requirementsHash() throws IOException {
        return RequirementsHash.of(Files.readAllBytes(app.dir().resolve("requirements.txt")));
    }

    /** Commits {@code apps/hello/test.yaml} pinning {@code sha}, with the app's current requirements hash. */
    public String deploy(String sha, String extraYaml) throws IOException {
        return writeEnv(envYaml(sha, requirementsHash().toString(), extraYaml));
    }

    public String envYaml(String sha, String hash, String extraYaml) {
        String hosts = java.util.stream.IntStream.range(0, servers.size()).mapToObj(i -> "\"" + host(i) + "\"")
                .collect(Collectors.joining(", "));
        return """
                source: %s
                path: hello
                user: deploy
                restart: printf '%%s\\n' "$TRUEUP_SHA" >> "$HOME/restarts"
                health:
                  command: .venv/bin/python -c 'import greeting'
                  timeout: 10s
                  interval: 200ms
                sha: %s
                requirementsHash: %s
                hosts: [%s]
                """.formatted(appSource == null ? app.dir() : appSource, sha, hash, hosts) + extraYaml;
    }

    /** Writes {@code content} to {@code path} of the desired-state repository, uncommitted (a template, say). */
    public void writeDesired(String path, String content) throws IOException {
        Path file = desired.dir().resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    public String writeEnv(String yaml) throws IOException {
        Path file = desired.dir().resolve("apps/hello/test.yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, yaml);
        return desired.commitAll("desired state");
    }

    public AppStatus status() {
        return board.app(ID).orElseThrow(() -> new AssertionError("no status for " + ID));
    }

    /** What the status says of host {@code i}. */
    public io.trueup.status.HostStatus hostStatus(int i) {
        return status().hosts().stream().filter(h -> h.host().toString().equals(host(i))).findFirst()
                .orElseThrow(() -> new AssertionError("no status for host " + host(i)));
    }

    /**
     * Reconciles with {@code controller} every 300 ms until the app is Synced or {@code limit}
     * has passed (as the scheduler would, faster); returns whether it got there.
     */
    public boolean reconcileUntilSynced(Reconciler controller, Duration limit) throws InterruptedException {
        java.time.Instant deadline = java.time.Instant.now().plus(limit);
        while (status().status() != io.trueup.status.SyncStatus.Synced && java.time.Instant.now().isBefore(deadline)) {
            Thread.sleep(300);
            controller.runOnce();
        }
        return status().status() == io.trueup.status.SyncStatus.Synced;
    }

    /** Whether {@code condition} holds within {@code limit}, asking every 200 ms. */
    public static boolean within(Duration limit, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        java.time.Instant deadline = java.time.Instant.now().plus(limit);
        while (!condition.getAsBoolean()) {
            if (!java.time.Instant.now().isBefore(deadline)) {
                return false;
            }
            Thread.sleep(200);
        }
        return true;
    }

    /** Where {@code link} ({@code current}, {@code previous}) under host {@code i}'s base points, or "". */
    public String link(int i, String link) {
        try {
            Path path = base(i).resolve(link);
            return Files.isSymbolicLink(path) ? Files.readSymbolicLink(path).toString() : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Command lines that ran on host {@code i} since the given count, by step name. */
    public List<String> stepsSince(int i, int from) {
        List<String> lines = servers.get(i).commandLines();
        return lines.subList(from, lines.size()).stream().map(Fleet::stepOf).toList();
    }

    private static String stepOf(String line) {
        int at = line.lastIndexOf("' trueup-");
        if (at >= 0) {
            int from = at + "' trueup-".length();
            int end = line.indexOf(' ', from);
            return line.substring(from, end < 0 ? line.length() : end);
        }
        return line.startsWith("git-receive-pack") ? "receive-pack" : line;
    }

    @Override
    public void close() {
        source.close();
        otherSources.forEach(GitDesiredStateSource::close);
        mirrors.close();
        gitSsh.close();
        shell.close();
        servers.forEach(EmbeddedSshServer::close);
    }
}
