package io.trueup.demo;

import io.trueup.git.WorkingRepo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The demo app repository: the e2e app's files (packaged under {@code demo/app}) and a
 * wheelhouse with its one dependency, committed once.
 */
final class DemoApp {

    private static final List<String> FILES = List.of("app.py", "requirements.txt", "bin/restart", "bin/healthz",
            "libs/greeting/greeting/__init__.py");

    private DemoApp() {
    }

    static WorkingRepo create(Path repoDir) throws IOException {
        if (Files.isDirectory(repoDir.resolve(".git"))) {
            return WorkingRepo.open(repoDir);
        }
        for (String file : FILES) {
            Path target = repoDir.resolve(file);
            Files.createDirectories(target.getParent());
            Files.write(target, resource("demo/app/" + file));
            if (file.startsWith("bin/")) {
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        Wheels.build(repoDir.resolve("libs/greeting"), "greeting", "1.0", repoDir.resolve("wheels"));
        WorkingRepo repo = WorkingRepo.open(repoDir);
        repo.commitAll("hello: a web app that reports the release it runs");
        return repo;
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = DemoApp.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("demo file missing from the build: " + name);
            }
            return in.readAllBytes();
        }
    }

    /** Stops the demo app a host's restart script started, if it runs. */
    static void stop(Path hostRoot) {
        Path pidFile = hostRoot.resolve("run/hello.pid");
        try {
            if (Files.exists(pidFile)) {
                long pid = Long.parseLong(Files.readString(pidFile).strip());
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            }
        } catch (IOException | NumberFormatException e) {
            throw new UncheckedIOException(new IOException("cannot stop the demo app of " + hostRoot, e));
        }
    }
}
