package io.trueup.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The checks as CI runs them: the packaged jar, as a process, in a desired-state checkout. */
@Timeout(120)
class PackagedJarIT {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();

    @TempDir
    Path tmp;

    @Test
    void validateAndPlanRunFromThePackagedJarAndExitWithTheirStatus() throws Exception {
        CheckRepos repos = CheckRepos.create(tmp);
        String first = repos.app.head();
        String base = repos.write("apps/hello/prod.yaml", repos.envYaml(first, repos.hash(), "web1", ""))
                .commit("Deploy hello");
        String louder = repos.appCommit("app.py", "print('HELLO')\n", "Say hello louder");
        String head = repos.write("apps/hello/prod.yaml", repos.envYaml(louder, repos.hash(), "web1", ""))
                .commit("Deploy the louder hello");

        Run validate = jar(repos.desired.dir(), "validate", ".");
        Run plan = jar(repos.desired.dir(), "plan", "--base", base, "--head", head);
        Run unknown = jar(repos.desired.dir(), "deploy");

        assertEquals(new Run(0, List.of("validate: 1 app/environment, no problems"), List.of()), validate);
        assertEquals(0, plan.status());
        assertEquals(List.of("hello/prod: changed", "  sha: " + first.substring(0, 7) + " -> "
                + louder.substring(0, 7), "    + Say hello louder"), plan.out().subList(1, 4));
        assertEquals(List.of(), plan.err());
        assertEquals(2, unknown.status());
        assertEquals("trueup: unknown command deploy", unknown.err().getFirst());
    }

    @Test
    void thePackagedJarVerifiesSshSignaturesWithJGitsVerifierFoundThroughItsServiceFile() throws Exception {
        CheckRepos repos = CheckRepos.create(tmp);
        Path key = io.trueup.support.Signers.newKey(tmp, "alice");
        Path allowed = Files.writeString(tmp.resolve("allowed_signers"),
                io.trueup.support.Signers.allowed("alice@example.com", key));
        String base = repos.write("apps/hello/prod.yaml", repos.envYaml(repos.app.head(), repos.hash(), "web1", ""))
                .commit("Deploy hello");
        repos.write("apps/hello/prod.yaml", repos.envYaml(repos.app.head(), repos.hash(), "web1, web2", ""))
                .commit("Add web2");
        String signed = io.trueup.support.Signers.signHead(repos.desired.dir(), key);

        Run accepted = jar(repos.desired.dir(), "plan", "--base", base, "--head", signed, "--verify", "ssh",
                "--allowed-signers", allowed.toString());
        Run refused = jar(repos.desired.dir(), "plan", "--base", base, "--head", base, "--verify", "ssh",
                "--allowed-signers", allowed.toString());

        assertEquals(0, accepted.status(), accepted::toString);
        assertEquals(1, refused.status(), refused::toString);
        assertEquals("untrusted commit " + base + ": not signed", refused.out().getFirst());
    }

    private static Run jar(Path dir, String... args) throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(JAR), "the jar is built in the package phase: " + JAR);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir.getParent(), "out", ".txt");
        Path err = Files.createTempFile(dir.getParent(), "err", ".txt");
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the jar did not exit within 60 s: " + command);
        }
        return new Run(process.exitValue(), Files.readAllLines(out, UTF_8), Files.readAllLines(err, UTF_8));
    }

    record Run(int status, List<String> out, List<String> err) {
    }
}
