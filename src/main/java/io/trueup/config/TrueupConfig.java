package io.trueup.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** trueup's configuration: {@code trueup.*} keys, or the environment variables Quarkus maps to them. */
@ConfigMapping(prefix = "trueup")
public interface TrueupConfig {

    /** Where the desired state is read from. */
    DesiredStateSource desiredState();

    /** How often the desired-state repository is fetched and every host inspected. */
    @WithDefault("30s")
    Duration pollInterval();

    /** SSH settings used for hosts and for ssh:// git URLs. */
    Ssh ssh();

    /** Directory for trueup's own state: git mirrors, the desired-state clone, the demo. */
    @WithDefault("${user.home}/.local/state/trueup")
    Path stateDir();

    /**
     * How long a host lock may stand untouched before another controller takes it over (the
     * holder is then taken to be gone). Longer than the longest step.
     */
    @WithDefault("30m")
    Duration lockTtl();

    /**
     * Where trueup keeps what it remembers (halts, pauses, rollouts, the last valid desired state,
     * the history, pending undeploys, statuses): {@code files} in {@code trueup.state-dir}, one
     * process; or {@code postgresql}, in the database of {@code quarkus.datasource.*}, shared by
     * several replicas that spread the app/environments between them (see docs/replicas.md).
     */
    @WithDefault("files")
    Store store();

    enum Store {
        FILES, POSTGRESQL
    }

    /** How replicas share the work, with {@code trueup.store=postgresql}. */
    Cluster cluster();

    interface Cluster {
        /**
         * This replica's name: the owner of the leases it takes, the {@code replica} label of its
         * metrics, the Quartz instance id. Unique among the replicas; the host name by default.
         */
        Optional<String> replica();

        /**
         * How often each replica checks in with the others (Quartz's cluster check-in): a replica
         * silent for this long plus 7.5 s is taken to be gone, and its work moves.
         */
        @WithDefault("5s")
        Duration checkinInterval();

        /**
         * How long a replica may act on an app/environment's hosts without renewing its lease. A
         * replica renews it every third of this while it works; one cut off from the database stops
         * acting when it cannot, and another may take over once it expired.
         */
        @WithDefault("30s")
        Duration leaseTtl();

        /** How many app/environments one replica reconciles at once. */
        @WithDefault("10")
        int threads();
    }

    /** Where the secrets of templates ({@code {secret:NAME}}) come from. */
    Secrets secrets();

    interface Secrets {
        /**
         * Directory of secrets, one per file named as the secret (as Kubernetes and systemd
         * credentials mount them); read at every poll, never from git.
         */
        Optional<Path> dir();
    }

    /** How git reaches https repositories (app sources and the desired state). */
    Git git();

    interface Git {
        /**
         * A PEM file of CA certificates trusted for https git repositories besides the JDK's
         * trust store (a private CA). Verification is never turned off. Credentials are not set
         * here: they are the file {@code git-credentials} of {@code trueup.secrets.dir}.
         */
        Optional<Path> caFile();
    }

    /** How failures for the network's sake are retried. */
    Retry retry();

    interface Retry {
        /**
         * How many times in a row a host may fail for the network's sake (unreachable, timed out)
         * during rollouts, tried again with backoff each time, before its rollout halts with the last
         * error. A failure of the release itself (a step exiting non-zero) halts at once.
         */
        @WithDefault("10")
        int maxAttempts();
    }

    /**
     * What happens to hosts that leave desired state (their environment file removed, or they
     * from its {@code hosts}): {@code manual} shows them as pending undeploy, running as they
     * were, until {@code POST /api/apps/{app}/{env}/undeploy}; {@code auto} undeploys them at the
     * next cycle (runs the app's {@code stop} there and removes {@code current}). Off by default,
     * as pruning is in Argo CD: a commit that deletes a file by mistake stops nothing.
     */
    @WithDefault("manual")
    Undeploy undeploy();

    /** How hosts that leave desired state are undeployed. */
    enum Undeploy {
        /** When an operator asks, through the API. */
        MANUAL,
        /** By trueup, at the cycle that sees them leave. */
        AUTO
    }

    /** Hosts worked on at once, across all apps. */
    @WithDefault("16")
    int concurrency();

    /** The HTTP API's settings. */
    Api api();

    interface Api {
        /** Bearer token for the API's actions (retry, pause, resume, abort, undeploy); without one they are disabled. */
        Optional<String> token();

        /**
         * Token for reading: while set, the dashboard and {@code /api/*} (but the webhooks) need it as a
         * bearer token, or a login through the dashboard's form; the actions' token reads too.
         */
        Optional<String> readToken();

        /** File holding the read token (as systemd's {@code LoadCredential=} passes it); instead of {@code read-token}. */
        Optional<Path> readTokenFile();
    }

    /** The Prometheus metrics' settings. */
    Metrics metrics();

    interface Metrics {
        /** Bearer token for {@code /q/metrics}; without one the metrics are open, as health is. */
        Optional<String> token();
    }

    /**
     * What desired state may ask of trueup. Each key is a comma-separated list; unset, it allows
     * everything. Desired state outside it is Invalid, with the rule it broke, and reaches no host.
     */
    Policy policy();

    interface Policy {
        /** SSH users apps may name in {@code user} (the default, {@code trueup.ssh.user}, counts too). */
        Optional<List<String>> users();

        /** Glob patterns ({@code *.web.example.com}) that each host's name must match, case-insensitively. */
        Optional<List<String>> hosts();

        /** Prefixes that each app's base {@code path} must equal or lie under, segment by segment ({@code /srv}). */
        Optional<List<String>> paths();

        /** Prefixes that each app's {@code source} must start with ({@code ssh://git@git.example.com/apps/}). */
        Optional<List<String>> sources();
    }

    /** The embedded demo: an SSH server standing for demo hosts, a demo app and desired state. */
    Demo demo();

    /** Webhooks from GitHub, GitLab or anything else that make trueup fetch desired state at once. */
    Webhook webhook();

    interface Webhook {
        /**
         * Shared secret: GitHub's and generic senders' HMAC-SHA256 key, GitLab's token; without
         * one the webhooks are disabled (403).
         */
        Optional<String> secret();

        /** Largest webhook body accepted, in bytes; larger ones are refused (413) unread. */
        @WithDefault("1048576")
        long maxBody();
    }

    /**
     * Where notifications go: one target per name, {@code trueup.notify.<name>.*}. See
     * docs/notifications.md.
     */
    @WithName("notify")
    Map<String, Notify> notifications();

    /** trueup's own public address ({@code https://trueup.example.com}), for links in notifications. */
    Optional<String> publicUrl();

    interface Notify {
        /** {@code webhook}, {@code slack} or {@code github}. */
        Optional<String> kind();

        /** Where to send: the webhook's URL, Slack's incoming webhook, the GitHub API's root. */
        Optional<String> url();

        /** {@code webhook}: the HMAC-SHA256 key of {@code X-Trueup-Signature-256}. */
        Optional<String> secret();

        /** {@code github}: the file holding the API token, read at each request. */
        Optional<Path> tokenFile();

        /** {@code github}: the desired-state repository, owner/name; else parsed from trueup.desired-state.url. */
        Optional<String> repo();

        /** Time allowed to connect, and for the whole answer, per try. */
        @WithDefault("10s")
        Duration timeout();

        /** Tries of one notification in all, 1 s, 2 s, 4 s... apart, before it is counted failed. */
        @WithDefault("3")
        int maxAttempts();
    }

    interface DesiredStateSource {
        /** URL of the desired-state git repository: a path, file:// or ssh://. */
        Optional<String> url();

        /** Branch to follow. */
        @WithDefault("main")
        String branch();

        /** Subdirectory of the repository that holds {@code apps/}; the root when empty. */
        Optional<String> dir();

        /**
         * Which commits trueup acts on: {@code none}, any; {@code ssh}, only a newest commit signed
         * by a key of {@code allowed-signers} that {@code revoked-signers} does not revoke;
         * {@code gpg}, only one signed by a key of {@code gpg-keyring}, neither revoked nor expired.
         * Apps stay at the commit last accepted while the newest is not.
         */
        @WithDefault("none")
        Verify verify();

        /** With {@code verify=ssh}: the keys that may sign, in git's allowed_signers format (gpg.ssh.allowedSignersFile). */
        Optional<Path> allowedSigners();

        /** With {@code verify=ssh}: revoked keys, an OpenSSH KRL or public keys one a line (gpg.ssh.revocationFile). */
        Optional<Path> revokedSigners();

        /** With {@code verify=gpg}: the OpenPGP public keys that may sign, as {@code gpg --export} writes them. */
        Optional<Path> gpgKeyring();
    }

    /** How desired-state commits are verified. */
    enum Verify {
        /** Not at all: every commit is acted on. */
        NONE,
        /** By their SSH signature. */
        SSH,
        /** By their OpenPGP signature. */
        GPG
    }

    interface Ssh {
        /** Private key file used to log in to hosts and git servers. */
        Optional<Path> identity();

        /** known_hosts file; host keys are checked strictly against it. */
        Optional<Path> knownHosts();

        /** SSH user when an app does not name one. */
        @WithDefault("deploy")
        String user();

        /** Time allowed to connect and authenticate. */
        @WithDefault("10s")
        Duration connectTimeout();

        /** Time allowed for one remote command (an env build is the longest). */
        @WithDefault("10m")
        Duration commandTimeout();
    }

    interface Demo {
        /** Whether to start the embedded demo and reconcile it. */
        @WithDefault("false")
        boolean enabled();

        /** How many demo hosts to stand up. */
        @WithDefault("2")
        int hosts();

        /** First SSH port of the demo hosts on 127.0.0.1; host i listens on port + i. */
        @WithDefault("2222")
        int port();

        /** First HTTP port of the demo app; host i's app listens on app-port + i. */
        @WithDefault("18000")
        int appPort();
    }
}
