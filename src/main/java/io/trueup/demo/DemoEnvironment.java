package io.trueup.demo;

import io.trueup.TrueupException;
import io.trueup.desired.RequirementsHash;
import io.trueup.git.WorkingRepo;
import io.trueup.ssh.EmbeddedSshServer;
import io.trueup.ssh.SshKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * trueup's embedded default: demo hosts (an SSH server each on 127.0.0.1, each with its own
 * base directory standing for the host's home), a demo app repository made from the e2e app,
 * and a demo desired-state repository made from the example in {@code desired-state/} with an
 * environment {@code demo} for those hosts. Kept under {@code <state-dir>/demo} across runs,
 * so a restart finds the hosts as it left them. Not thread-safe: start and stop it once.
 */
public final class DemoEnvironment implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DemoEnvironment.class);

    private final Path dir;
    private final int hosts;
    private final int sshPort;
    private final int appPort;
    private final List<EmbeddedSshServer> servers = new ArrayList<>();

    /** Where the reconciler finds the demo: desired-state repository, key and known_hosts. */
    public record Endpoints(Path desiredState, Path appRepository, Path identity, Path knownHosts,
            List<String> hosts, Path secrets) {
    }

    public DemoEnvironment(Path stateDir, int hosts, int sshPort, int appPort) {
        this.dir = stateDir.resolve("demo").toAbsolutePath();
        this.hosts = hosts;
        this.sshPort = sshPort;
        this.appPort = appPort;
    }

    /** Makes what is missing, starts the demo hosts, and says where everything is. */
    public Endpoints start() {
        try {
            Files.createDirectories(dir);
            Path identity = dir.resolve("id_ecdsa");
            KeyPair client = Files.exists(identity) ? SshKeys.readIdentity(identity) : SshKeys.createIdentity(identity);
            Path knownHosts = dir.resolve("known_hosts");
            Files.deleteIfExists(knownHosts);
            List<String> names = new ArrayList<>();
            for (int i = 0; i < hosts; i++) {
                names.add(startHost(i, client, knownHosts));
            }
            WorkingRepo app = DemoApp.create(dir.resolve("hello"));
            WorkingRepo desired = desiredState(app, names);
            LOG.infof("demo: %d hosts on 127.0.0.1 (%s), app repository %s, desired state %s", hosts,
                    String.join(", ", names), app.dir(), desired.dir());
            return new Endpoints(desired.dir(), app.dir(), identity, knownHosts, names, secrets());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the demo in " + dir, e);
        }
    }

    private String startHost(int i, KeyPair client, Path knownHosts) {
        String name = "host" + (i + 1);
        EmbeddedSshServer server = new EmbeddedSshServer(dir.resolve("hosts").resolve(name),
                dir.resolve("hosts").resolve(name + ".key"), client.getPublic(),
                Map.of("APP_PORT", Integer.toString(appPort + i), "APP_LOCAL", "1"), sshPort == 0 ? 0 : sshPort + i);
        try {
            server.start();
        } catch (RuntimeException e) {
            throw new TrueupException("demo host " + name + " cannot listen on 127.0.0.1:" + (sshPort + i)
                    + " (set trueup.demo.port to a free port): " + e.getMessage(), e);
        }
        servers.add(server);
        SshKeys.addKnownHost(knownHosts, "127.0.0.1", server.port(), server.hostKey());
        return "127.0.0.1:" + server.port();
    }

    /**
     * The desired-state repository: the example's app.yaml and the template it renders (with the
     * secret {@code hello_secret_key} from the demo's secrets directory), plus a {@code demo}
     * environment for the demo hosts.
     */
    private WorkingRepo desiredState(WorkingRepo app, List<String> names) throws IOException {
        Path repoDir = dir.resolve("desired-state");
        if (Files.isDirectory(repoDir.resolve(".git"))) {
            return WorkingRepo.open(repoDir);
        }
        Path appDir = Files.createDirectories(repoDir.resolve("apps/hello"));
        for (String file : List.of("app.yaml", "hello.ini.tmpl")) {
            Files.write(appDir.resolve(file), DemoApp.resource("demo/desired-state/apps/hello/" + file));
        }
        String sha = app.head();
        RequirementsHash hash = RequirementsHash.of(Files.readAllBytes(app.dir().resolve("requirements.txt")));
        Files.writeString(appDir.resolve("demo.yaml"), """
                # The embedded demo's environment: the demo hosts on 127.0.0.1. Overrides app.yaml.
                # Deploy: commit in %s, then set sha to the new commit here and commit.
                source: %s
                path: hello                 # relative to each demo host's home
                user: demo
                restart: sh bin/restart
                stop: kill "$(cat "$HOME/run/hello.pid")" 2>/dev/null || true
                health:
                  http: null                # the demo app listens on a port per host: check with a command
                  command: sh bin/healthz
                  timeout: 20s
                sha: %s
                requirementsHash: %s
                hosts: [%s]
                """.formatted(app.dir(), app.dir(), sha, hash, String.join(", ", names)));
        WorkingRepo desired = WorkingRepo.open(repoDir);
        desired.commitAll("Deploy hello " + sha.substring(0, 7) + " to the demo hosts");
        return desired;
    }

    /**
     * The demo's secrets directory, with the secret its config renders made on first start: a
     * random key, as a person would put in {@code trueup.secrets.dir}.
     */
    private Path secrets() throws IOException {
        Path secrets = dir.resolve("secrets");
        Path key = secrets.resolve("hello_secret_key");
        if (!Files.exists(key)) {
            Files.createDirectories(secrets);
            byte[] random = new byte[24];
            new java.security.SecureRandom().nextBytes(random);
            Files.writeString(key, java.util.HexFormat.of().formatHex(random) + "\n");
        }
        return secrets;
    }

    /** Stops the demo hosts and the demo apps they started. */
    @Override
    public void close() {
        servers.forEach(EmbeddedSshServer::close);
        for (EmbeddedSshServer server : servers) {
            DemoApp.stop(server.root());
        }
    }
}
