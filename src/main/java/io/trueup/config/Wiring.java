package io.trueup.config;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.trueup.TrueupException;
import io.trueup.cluster.ControllerId;
import io.trueup.cluster.QuartzReplicas;
import io.trueup.demo.DemoEnvironment;
import io.trueup.desired.Policy;
import io.trueup.git.AppMirrors;
import io.trueup.git.CommitPusher;
import io.trueup.git.DesiredStateSource;
import io.trueup.git.GitDesiredStateSource;
import io.trueup.git.GitHttp;
import io.trueup.git.GitSsh;
import io.trueup.git.JGitCommitPusher;
import io.trueup.git.JGitTreeArchiver;
import io.trueup.git.RedactedUrl;
import io.trueup.git.SignedCommits;
import io.trueup.metrics.NotifyMetrics;
import io.trueup.metrics.ReconcileMetrics;
import io.trueup.metrics.SshMetrics;
import io.trueup.notify.Notifier;
import io.trueup.notify.Targets;
import io.trueup.observe.Inspector;
import io.trueup.reconcile.AppReconciler;
import io.trueup.reconcile.Backoff;
import io.trueup.reconcile.ControlStore;
import io.trueup.reconcile.ControllerState;
import io.trueup.reconcile.MirrorSourceCheck;
import io.trueup.reconcile.ReconcileObserver;
import io.trueup.reconcile.Reconciler;
import io.trueup.reconcile.RolloutHistory;
import io.trueup.reconcile.Trigger;
import io.trueup.reconcile.Undeploys;
import io.trueup.render.ConfigRenderer;
import io.trueup.render.SecretSource;
import io.trueup.render.SecretsDir;
import io.trueup.rollout.HealthChecker;
import io.trueup.rollout.HostDeployer;
import io.trueup.rollout.HostLock;
import io.trueup.rollout.HostUndeployer;
import io.trueup.rollout.RolloutEngine;
import io.trueup.rollout.RolloutStore;
import io.trueup.ssh.KeepingShell;
import io.trueup.ssh.MinaRemoteShell;
import io.trueup.ssh.RemoteShell;
import io.trueup.ssh.UnconfiguredShell;
import io.trueup.status.DesiredStateStatus;
import io.trueup.status.StatusBoard;
import io.trueup.status.StatusStore;
import io.trueup.store.Leases;
import io.trueup.store.PostgresLeases;
import io.trueup.store.PostgresState;
import io.trueup.webhook.Webhooks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.ConfigProvider;

/** Builds trueup's parts from configuration; the only place that knows how they fit together. */
@ApplicationScoped
public class Wiring {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    Optional<DemoEnvironment> demo(TrueupConfig config) {
        TrueupConfig.Demo demo = config.demo();
        return demo.enabled()
                ? Optional.of(new DemoEnvironment(stateDir(config), demo.hosts(), demo.port(), demo.appPort()))
                : Optional.empty();
    }

    void stopDemo(@Disposes Optional<DemoEnvironment> demo) {
        demo.ifPresent(DemoEnvironment::close);
    }

    @Produces
    @Singleton
    Connections connections(TrueupConfig config, Optional<DemoEnvironment> demo) {
        return demo.map(d -> {
            DemoEnvironment.Endpoints e = d.start();
            return new Connections(Optional.of(e.desiredState().toString()), "main", Optional.empty(),
                    Optional.of(e.identity()), e.knownHosts(), Optional.of(e.secrets()));
        }).orElseGet(() -> Connections.of(config));
    }

    @Produces
    @Singleton
    RemoteShell shell(Connections connections, TrueupConfig config, SshMetrics metrics) {
        return metrics.timed(connections.identity()
                .<RemoteShell>map(key -> new KeepingShell(new MinaRemoteShell(key, connections.knownHosts(),
                        config.ssh().connectTimeout())))
                .orElseGet(() -> new UnconfiguredShell("no SSH key: set trueup.ssh.identity (there is no"
                        + " ~/.ssh/id_ed25519, id_ecdsa or id_rsa either)")));
    }

    void closeShell(@Disposes RemoteShell shell) {
        if (SshMetrics.untimed(shell) instanceof KeepingShell keeping) {
            keeping.close();
        }
    }

    @Produces
    @Singleton
    GitSsh gitSsh(Connections connections, TrueupConfig config) {
        SecretsDir secrets = new SecretsDir(secretsDir(config, connections));
        GitHttp http = new GitHttp(() -> secrets.optional(GitHttp.CREDENTIALS_FILE), config.git().caFile());
        return new GitSsh(connections.identity(), Optional.of(connections.knownHosts()), stateDir(config), http);
    }

    void closeGitSsh(@Disposes GitSsh ssh) {
        ssh.close();
    }

    @Produces
    @Singleton
    AppMirrors mirrors(TrueupConfig config, GitSsh ssh, Clock clock) {
        return new AppMirrors(stateDir(config).resolve("mirrors"), ssh, clock, policy(config.policy()));
    }

    void closeMirrors(@Disposes AppMirrors mirrors) {
        mirrors.close();
    }

    @Produces
    @Singleton
    StatusBoard board(Stores stores) {
        return new StatusBoard(stores.statuses());
    }

    /**
     * Where trueup keeps what it remembers, and its statuses: the state directory and this process
     * (the embedded default), or with {@code trueup.store=postgresql} the database of
     * {@code quarkus.datasource.*}, shared by every replica.
     *
     * @param state halts, pauses, rollouts, last valid state, history, pending undeploys, leases
     * @param statuses the status board's storage
     * @param database the database, when there is one
     */
    public record Stores(ControllerState state, StatusStore statuses, Optional<DataSource> database) {
    }

    @Produces
    @Singleton
    Stores stores(TrueupConfig config, Connections connections, Instance<DataSource> dataSource) {
        DesiredStateStatus initial = StatusBoard.initial(connections.url().map(RedactedUrl::of), connections.branch());
        if (config.store() == TrueupConfig.Store.FILES) {
            return new Stores(ControllerState.at(stateDir(config)), StatusStore.inMemory(initial), Optional.empty());
        }
        if (ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.jdbc.url", String.class).isEmpty()) {
            throw new TrueupException("trueup.store=postgresql: set quarkus.datasource.jdbc.url (and"
                    + " quarkus.datasource.username and password) to the database the replicas share");
        }
        DataSource database = dataSource.get();
        PostgresState postgres = PostgresState.of(database, replica(config.cluster()), initial);
        return new Stores(postgres.state(), postgres.statuses(), Optional.of(database));
    }

    /**
     * {@code trueup.cluster.replica}, or this machine's host name.
     *
     * @throws TrueupException when it is not a name Quartz and the leases can keep
     */
    static String replica(TrueupConfig.Cluster cluster) {
        String name = cluster.replica().orElseGet(Wiring::hostName);
        if (!PostgresLeases.REPLICA.matcher(name).matches()) {
            throw new TrueupException("trueup.cluster.replica: '" + name + "' is not a replica name (1 to 63"
                    + " letters, digits, '.', '_' or '-'" + (cluster.replica().isEmpty() ? "; it defaults to the"
                    + " host name: set it" : "") + ")");
        }
        return name;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("");
        }
    }

    @Produces
    @Singleton
    ControllerState state(Stores stores) {
        return stores.state();
    }

    @Produces
    @Singleton
    Leases leases(ControllerState state) {
        return state.leases();
    }

    /**
     * With {@code trueup.store=postgresql}, the scheduler the replicas share: not started until the
     * reconciler is made ({@link #reconciler}).
     */
    @Produces
    @Singleton
    Optional<QuartzReplicas> replicas(TrueupConfig config, Stores stores) {
        return stores.database().map(database -> QuartzReplicas.create(database, new QuartzReplicas.Settings(
                stores.state().leases().replica(), config.pollInterval(), config.cluster().checkinInterval(),
                config.cluster().threads())));
    }

    void closeReplicas(@Disposes Optional<QuartzReplicas> replicas) {
        replicas.ifPresent(QuartzReplicas::close);
    }

    /**
     * With replicas, a {@code replica} label on every meter: each replica's metrics describe its own
     * work and process.
     */
    @Produces
    @Singleton
    MeterFilter replicaLabel(TrueupConfig config, Stores stores) {
        return stores.database().isEmpty() ? new MeterFilter() {
        } : MeterFilter.commonTags(List.of(Tag.of("replica", stores.state().leases().replica())));
    }

    @Produces
    @Singleton
    RolloutHistory history(ControllerState state) {
        return state.history();
    }

    @Produces
    @Singleton
    ControlStore control(ControllerState state) {
        return state.control();
    }

    @Produces
    @Singleton
    RolloutStore rollouts(ControllerState state) {
        return state.rollouts();
    }

    @Produces
    @Singleton
    Reconciler reconciler(TrueupConfig config, Connections connections, RemoteShell shell, GitSsh ssh,
            AppMirrors mirrors, StatusBoard board, Stores stores, Clock clock, ReconcileMetrics metrics,
            Notifier notifier, Optional<QuartzReplicas> replicas) {
        ControllerState state = stores.state();
        ReconcileObserver observer = ReconcileObserver.both(metrics, notifier);
        SignedCommits signed = signedCommits(config.desiredState(), clock);
        Optional<DesiredStateSource> source = connections.url().map(url -> new GitDesiredStateSource(url,
                connections.branch(), connections.dir(), stateDir(config).resolve("desired-state.git"), ssh, signed));
        Limits limits = new Limits(config.concurrency(), config.ssh().commandTimeout(),
                config.ssh().connectTimeout().plusSeconds(60), config.ssh().user(),
                hostLock(config, stores), config.retry().maxAttempts(),
                config.cluster().leaseTtl());
        Reconciler reconciler = reconciler(source, shell, mirrors, new SecretsDir(secretsDir(config, connections)),
                board, state, clock, limits, observer, new Undeploying(config.undeploy() == TrueupConfig.Undeploy.AUTO),
                policy(config.policy()));
        replicas.ifPresent(r -> {
            reconciler.distribute(r);
            r.start(reconciler::reconcileHere);
        });
        return reconciler;
    }

    /**
     * Who trueup is in the hosts' locks: the controller of its state directory, or with replicas the
     * controller they are together (each replica a run of it).
     */
    private static HostLock hostLock(TrueupConfig config, Stores stores) {
        return stores.database().map(database -> HostLock.run(ControllerId.shared(database, HostLock.fresh()),
                config.lockTtl())).orElseGet(() -> HostLock.of(stateDir(config), config.lockTtl()));
    }

    /**
     * {@code trueup.desired-state.verify} and its files, each checked readable now.
     *
     * @throws TrueupException naming the key when a file it needs is unset or unreadable, or a file is set for nothing
     */
    static SignedCommits signedCommits(TrueupConfig.DesiredStateSource config, Clock clock) {
        TrueupConfig.Verify verify = config.verify();
        if (verify != TrueupConfig.Verify.SSH && (config.allowedSigners().isPresent()
                || config.revokedSigners().isPresent())) {
            throw new TrueupException("trueup.desired-state.allowed-signers and revoked-signers count only with"
                    + " trueup.desired-state.verify=ssh, not " + verify.name().toLowerCase(java.util.Locale.ROOT)
                    + ": set verify=ssh, or unset them");
        }
        if (verify != TrueupConfig.Verify.GPG && config.gpgKeyring().isPresent()) {
            throw new TrueupException("trueup.desired-state.gpg-keyring counts only with"
                    + " trueup.desired-state.verify=gpg, not " + verify.name().toLowerCase(java.util.Locale.ROOT)
                    + ": set verify=gpg, or unset it");
        }
        return switch (verify) {
            case NONE -> SignedCommits.none();
            case SSH -> SignedCommits.ssh(required("trueup.desired-state.allowed-signers", config.allowedSigners(),
                    "ssh", "the keys that may sign desired state, in git's allowed_signers format"),
                    config.revokedSigners().map(file -> readable("trueup.desired-state.revoked-signers", file)));
            case GPG -> SignedCommits.gpg(required("trueup.desired-state.gpg-keyring", config.gpgKeyring(), "gpg",
                    "the OpenPGP public keys that may sign desired state, as gpg --export writes them"), clock);
        };
    }

    private static Path required(String key, Optional<Path> file, String verify, String what) {
        return readable(key, file.orElseThrow(() -> new TrueupException(key + ": must be set with"
                + " trueup.desired-state.verify=" + verify + " (" + what + ")")));
    }

    private static Path readable(String key, Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new TrueupException(key + ": cannot read " + file + " (not a readable file)");
        }
        return file;
    }

    /** {@code trueup.policy.*} as the desired-state parser applies it. */
    static Policy policy(TrueupConfig.Policy config) {
        return new Policy(config.users().orElse(List.of()), config.hosts().orElse(List.of()),
                config.paths().orElse(List.of()), config.sources().orElse(List.of()));
    }

    /** The notification targets of {@code trueup.notify}, checked: a wrong one stops trueup from starting. */
    @Produces
    @Singleton
    Notifier notifier(TrueupConfig config, Connections connections, NotifyMetrics metrics, Clock clock) {
        List<Targets.Settings> targets = config.notifications().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> new Targets.Settings(e.getKey(), e.getValue().kind(), e.getValue().url(),
                        e.getValue().secret(), e.getValue().tokenFile(), e.getValue().repo(), e.getValue().timeout(),
                        e.getValue().maxAttempts())).toList();
        return new Notifier(Targets.of(targets, connections.url(), config.publicUrl()), metrics, clock);
    }

    void closeNotifier(@Disposes Notifier notifier) {
        notifier.close();
    }

    /** {@code trueup.state-dir}, made private to trueup's user (0700) before anything is written in it. */
    private static Path stateDir(TrueupConfig config) {
        return StateDirectory.secure(config.stateDir());
    }

    /** {@code trueup.secrets.dir}, or the demo's own when the demo runs without one. */
    private static Optional<Path> secretsDir(TrueupConfig config, Connections connections) {
        return config.secrets().dir().or(connections::secretsDir);
    }

    @Produces
    @Singleton
    Trigger trigger(Reconciler reconciler) {
        return Trigger.of(reconciler);
    }

    void closeTrigger(@Disposes Trigger trigger) {
        trigger.close();
    }

    @Produces
    @Singleton
    Webhooks webhooks(TrueupConfig config, Connections connections) {
        return new Webhooks(config.webhook().secret(), connections.branch());
    }

    /**
     * @param concurrency hosts worked on at once
     * @param commandTimeout time allowed for one deploy step on a host
     * @param inspectTimeout time allowed for one inspection
     * @param defaultUser SSH user of apps that name none
     * @param lock who holds host locks during steps
     * @param maxAttempts how many times in a row a host may fail for the network's sake before its rollout halts
     * @param leaseTtl how long a replica may act on an app/environment without renewing its lease
     */
    public record Limits(int concurrency, Duration commandTimeout, Duration inspectTimeout, String defaultUser,
            HostLock lock, int maxAttempts, Duration leaseTtl) {

        /** Limits with the default {@code trueup.retry.max-attempts} and {@code trueup.cluster.lease-ttl}. */
        public Limits(int concurrency, Duration commandTimeout, Duration inspectTimeout, String defaultUser,
                HostLock lock) {
            this(concurrency, commandTimeout, inspectTimeout, defaultUser, lock, 10);
        }

        /** Limits with the default {@code trueup.cluster.lease-ttl}. */
        public Limits(int concurrency, Duration commandTimeout, Duration inspectTimeout, String defaultUser,
                HostLock lock, int maxAttempts) {
            this(concurrency, commandTimeout, inspectTimeout, defaultUser, lock, maxAttempts, Duration.ofSeconds(30));
        }
    }

    /**
     * @param auto whether hosts that leave desired state are undeployed without an operator ({@code trueup.undeploy})
     */
    public record Undeploying(boolean auto) {
    }

    /**
     * The reconciler and everything it drives, over the given ports: templates' secrets from
     * {@code secrets}, what it must remember across restarts in {@code state}, telling
     * {@code observer} what it does, and the hosts that leave desired state undeployed as
     * {@code undeploying} says. Also used by integration tests.
     */
    public static Reconciler reconciler(Optional<DesiredStateSource> source, RemoteShell remote, AppMirrors mirrors,
            SecretSource secrets, StatusBoard board, ControllerState state, Clock clock, Limits limits,
            ReconcileObserver observer, Undeploying undeploying) {
        return reconciler(source, remote, mirrors, secrets, board, state, clock, limits, observer, undeploying,
                Policy.OPEN);
    }

    /** The reconciler as {@link #reconciler above}, that makes desired state outside {@code policy} invalid. */
    public static Reconciler reconciler(Optional<DesiredStateSource> source, RemoteShell remote, AppMirrors mirrors,
            SecretSource secrets, StatusBoard board, ControllerState state, Clock clock, Limits limits,
            ReconcileObserver observer, Undeploying undeploying, Policy policy) {
        Duration commands = limits.commandTimeout();
        CommitPusher pusher = new JGitCommitPusher(mirrors, remote, commands);
        HealthChecker health = new HealthChecker(remote, HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build(), clock);
        HostDeployer deployer = new HostDeployer(remote, pusher, new JGitTreeArchiver(mirrors), health, commands,
                limits.lock(), clock, state.rollouts()::mayAct);
        RolloutEngine engine = new RolloutEngine(deployer, limits.concurrency(), RolloutEngine::sleep, clock);
        Backoff backoff = new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5), new SecureRandom()::nextDouble);
        AppReconciler apps = new AppReconciler(new Inspector(remote, limits.inspectTimeout(), limits.concurrency()),
                health, engine, board, state.control(), state.rollouts(), state.history(), backoff,
                limits.maxAttempts(), clock, observer);
        Undeploys undeploys = new Undeploys(state.undeploys(), new HostUndeployer(remote, limits.lock(), clock,
                commands), board, state.history(), state.control(), clock, undeploying.auto());
        return new Reconciler(source, new MirrorSourceCheck(mirrors), new ConfigRenderer(secrets), apps, board, clock,
                limits.defaultUser(), observer, state.lastValid(), undeploys, policy, state.leases(), limits.leaseTtl());
    }
}
