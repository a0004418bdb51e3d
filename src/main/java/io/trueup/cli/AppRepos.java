package io.trueup.cli;

import io.trueup.TrueupException;
import io.trueup.desired.GitUrl;
import io.trueup.desired.Policy;
import io.trueup.desired.Sha;
import io.trueup.git.AppMirrors;
import io.trueup.git.GitException;
import io.trueup.git.GitHttp;
import io.trueup.git.GitSsh;
import io.trueup.render.SecretsDir;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The app repositories as a check run from the command line reaches them: local paths and
 * {@code file://} URLs always; {@code ssh://} and {@code user@host:path} ones only when an
 * identity and a known_hosts file are given, with the service's strict SSH rules. Mirrors
 * live in a temporary directory that {@link #close} removes. Not for concurrent use.
 */
final class AppRepos implements AutoCloseable {

    /** Commit subjects listed per SHA change, at most. */
    static final int MAX_SUBJECTS = 20;

    private final Path stateDir;
    private final boolean sshConfigured;
    private final boolean httpsConfigured;
    private final GitSsh ssh;
    private final AppMirrors mirrors;

    private AppRepos(Path stateDir, Optional<Path> identity, Optional<Path> knownHosts, Optional<Path> secretsDir,
            Policy policy, Clock clock) {
        this.stateDir = stateDir;
        this.sshConfigured = identity.isPresent() && knownHosts.isPresent();
        this.httpsConfigured = secretsDir.isPresent();
        SecretsDir secrets = new SecretsDir(secretsDir);
        this.ssh = new GitSsh(identity, knownHosts, stateDir,
                new GitHttp(() -> secrets.optional(GitHttp.CREDENTIALS_FILE), Optional.empty()));
        this.mirrors = new AppMirrors(stateDir.resolve("mirrors"), ssh, clock, policy);
    }

    static AppRepos open(Args args, Clock clock) {
        Optional<Path> identity = args.option("identity").map(Path::of);
        Optional<Path> knownHosts = args.option("known-hosts").map(Path::of);
        if (identity.isPresent() != knownHosts.isPresent()) {
            throw new UsageException("--identity and --known-hosts go together");
        }
        try {
            return new AppRepos(Files.createTempDirectory("trueup-check"), identity, knownHosts,
                    args.option("secrets-dir").map(Path::of), PolicyFile.of(args), clock);
        } catch (IOException e) {
            throw new TrueupException("cannot make a temporary directory: " + e.getMessage(), e);
        }
    }

    AppMirrors mirrors() {
        return mirrors;
    }

    /** Why {@code source} is not even tried from here, or empty when it is. */
    Optional<String> skipped(String source) {
        boolean local = GitUrl.local(source);
        if (source.regionMatches(true, 0, "https://", 0, 8)) {
            return httpsConfigured ? Optional.empty() : Optional.of("not checked: " + source
                    + " is reached over https; give --secrets-dir with its git-credentials");
        }
        return local || sshConfigured ? Optional.empty()
                : Optional.of("not checked: " + source + " is reached over SSH; give --identity and --known-hosts");
    }

    /**
     * The commits between {@code from} and {@code to} of {@code app}, fetched from
     * {@code source} when the temporary mirror lacks them; never throws.
     */
    CommitLog between(String app, String source, Sha from, Sha to) {
        Optional<String> skipped = skipped(source);
        if (skipped.isPresent()) {
            return new CommitLog.Unavailable(skipped.get());
        }
        try {
            for (Sha sha : List.of(from, to)) {
                if (!mirrors.hasCommit(app, source, sha)) {
                    return new CommitLog.Unavailable("commit " + sha.abbrev() + " not found in " + source);
                }
            }
            return new CommitLog.Listed(mirrors.subjectsBetween(app, from, to, MAX_SUBJECTS + 1),
                    mirrors.subjectsBetween(app, to, from, MAX_SUBJECTS + 1));
        } catch (GitException e) {
            return new CommitLog.Unavailable(e.getMessage());
        }
    }

    @Override
    public void close() {
        mirrors.close();
        ssh.close();
        // JGit may still be collecting a mirror in the background (its auto gc after a fetch), adding
        // and removing files as the walk goes: walk again, a few times at most.
        for (int attempt = 0; attempt < 3 && Files.exists(stateDir); attempt++) {
            try (Stream<Path> all = Files.walk(stateDir)) {
                all.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // a file went while walking, or the directory stays: a temporary directory left behind harms nothing
            }
        }
    }
}
