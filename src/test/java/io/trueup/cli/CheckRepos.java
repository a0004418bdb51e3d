package io.trueup.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.trueup.demo.Wheels;
import io.trueup.desired.RequirementsHash;
import io.trueup.git.WorkingRepo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real repositories for the command line's tests: an app "hello" made from the e2e app (with
 * its wheelhouse), and a desired-state repository; and a way to run a command in-process.
 */
final class CheckRepos {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Path E2E_APP = Path.of("e2e/app");

    final WorkingRepo app;
    final WorkingRepo desired;

    private CheckRepos(WorkingRepo app, WorkingRepo desired) {
        this.app = app;
        this.desired = desired;
    }

    static CheckRepos create(Path dir) throws IOException {
        Path repo = dir.resolve("hello");
        try (Stream<Path> files = Files.walk(E2E_APP)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = repo.resolve(E2E_APP.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Wheels.build(repo.resolve("libs/greeting"), "greeting", "1.0", repo.resolve("wheels"));
        WorkingRepo app = WorkingRepo.open(repo);
        app.commitAll("hello: first release");
        return new CheckRepos(app, WorkingRepo.open(Files.createDirectories(dir.resolve("desired-state"))));
    }

    /** Writes {@code content} to {@code file} of the app and commits it with {@code subject}; returns the commit. */
    String appCommit(String file, String content, String subject) throws IOException {
        Files.writeString(app.dir().resolve(file), content);
        return app.commitAll(subject);
    }

    String hash() throws IOException {
        return RequirementsHash.of(Files.readAllBytes(app.dir().resolve("requirements.txt"))).toString();
    }

    /** The environment file of hello in {@code env} pinning {@code sha} and {@code hash}, plus {@code extra}. */
    String envYaml(String sha, String hash, String hosts, String extra) {
        return """
                source: %s
                path: hello
                sha: %s
                requirementsHash: %s
                hosts: [%s]
                """.formatted(app.dir(), sha, hash, hosts) + extra;
    }

    /** Writes {@code content} to {@code path} of the desired-state working tree (deletes it when null). */
    CheckRepos write(String path, String content) throws IOException {
        Path file = desired.dir().resolve(path);
        if (content == null) {
            Files.delete(file);
        } else {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        }
        return this;
    }

    String commit(String message) {
        return desired.commitAll(message);
    }

    /** Runs the command line in-process with the clock at {@link #NOW}. */
    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, UTF_8); PrintStream e = new PrintStream(err, true, UTF_8)) {
            status = Cli.run(List.of(args), o, e, Clock.fixed(NOW, ZoneOffset.UTC));
        }
        return new Result(status, out.toString(UTF_8).lines().toList(), err.toString(UTF_8).lines().toList());
    }

    record Result(int status, List<String> out, List<String> err) {
    }
}
