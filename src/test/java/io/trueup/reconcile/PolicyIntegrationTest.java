package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.Policy;
import io.trueup.status.AppStatus;
import io.trueup.status.SyncStatus;
import io.trueup.support.Fleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Desired state outside the controller's policy ({@code trueup.policy.*}), or asking what no
 * policy allows (a health URL elsewhere than the host, a requirements file that makes pip fetch),
 * is Invalid with the rule it broke, and nothing reaches a host: real git repositories, a host
 * served by MINA's SSH server.
 */
@Timeout(120)
class PolicyIntegrationTest {

    private static final String HEALTH_COMMAND = "command: .venv/bin/python -c 'import greeting'";

    @TempDir
    Path dir;

    Fleet fleet;

    @BeforeEach
    void fleet() throws Exception {
        fleet = new Fleet(dir, 1, Map.of());
    }

    @AfterEach
    void close() {
        fleet.close();
    }

    static Stream<Arguments> rules() {
        return Stream.of(
                Arguments.of(new Policy(List.of("web"), List.of(), List.of(), List.of()),
                        "apps/hello/test.yaml:3: user: deploy is not allowed by trueup.policy.users ([web])"),
                Arguments.of(new Policy(List.of(), List.of("*.example.com"), List.of(), List.of()),
                        "apps/hello/test.yaml:11: hosts[0]: 127.0.0.1 matches none of trueup.policy.hosts"
                                + " ([*.example.com])"),
                Arguments.of(new Policy(List.of(), List.of(), List.of("/srv/apps"), List.of()),
                        "apps/hello/test.yaml:2: path: hello lies under none of trueup.policy.paths ([/srv/apps])"),
                Arguments.of(new Policy(List.of(), List.of(), List.of(), List.of("ssh://git@git.example.com/")),
                        "apps/hello/test.yaml:1: source: " + "%s starts with none of trueup.policy.sources"
                                + " ([ssh://git@git.example.com/])"));
    }

    @ParameterizedTest
    @MethodSource("rules")
    void desiredStateOutsideThePolicyIsInvalidWithItsRuleAndReachesNoHost(Policy policy, String problem)
            throws Exception {
        fleet.policy = policy;
        fleet.startController();
        fleet.deploy(fleet.app.head(), "");

        fleet.reconciler.runOnce();

        assertInvalidAndUntouched(problem.formatted(fleet.app.dir()));
    }

    @Test
    void theSameDesiredStateDeploysWithoutAPolicy() throws Exception {
        fleet.deploy(fleet.app.head(), "");

        fleet.reconciler.runOnce();

        assertEquals(SyncStatus.Synced, fleet.status().status(), () -> "status: " + fleet.status());
    }

    @Test
    void aHealthUrlThatDoesNotNameTheHostIsInvalidAndReachesNoHost() throws Exception {
        fleet.writeEnv(fleet.envYaml(fleet.app.head(), fleet.requirementsHash().toString(), "")
                .replace(HEALTH_COMMAND, "http: http://169.254.169.254/latest/meta-data/"));

        fleet.reconciler.runOnce();

        assertInvalidAndUntouched("apps/hello/test.yaml:6: health.http: must name {host} as its host, such as"
                + " http://{host}:8000/healthz: trueup checks each host it deploys to, no other address");
    }

    @Test
    void aRequirementsFileWithAnIndexOptionIsInvalidAndReachesNoHost() throws Exception {
        String sha = fleet.commitApp("requirements.txt", "greeting==1.0\n-i http://127.0.0.1:9/simple\n");
        fleet.deploy(sha, "");

        fleet.reconciler.runOnce();

        assertInvalidAndUntouched("apps/hello/test.yaml:10: requirementsHash: requirements.txt at commit "
                + sha.substring(0, 7) + ", line 2: -i http://127.0.0.1:9/simple: pip option -i is refused: pip"
                + " installs from the wheelhouse only, and requirementsHash covers this file only");
    }

    @Test
    void aStateKeptFromBeforeARestartIsNotReconciledWhenTheNewPolicyRefusesIt() throws Exception {
        String sha = fleet.app.head();
        fleet.deploy(sha, "");
        fleet.reconciler.runOnce();
        assertEquals(sha, fleet.currentSha(0));
        fleet.writeEnv(fleet.envYaml(sha, "sha256:" + "0".repeat(64), "")); // invalid: the last valid state counts
        int before = fleet.server(0).commandsRun();

        fleet.policy = new Policy(List.of("web"), List.of(), List.of(), List.of());
        fleet.startController();
        fleet.reconciler.runOnce();

        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Invalid, status.status(), () -> "status: " + status);
        assertTrue(status.error().orElse("").contains("is not valid any more (apps/hello/test.yaml:3: user: deploy"
                + " is not allowed by trueup.policy.users ([web]))"), () -> "error: " + status.error());
        assertEquals(before, fleet.server(0).commandsRun(), () -> "commands: " + fleet.server(0).commandLines());
    }

    private void assertInvalidAndUntouched(String problem) {
        AppStatus status = fleet.status();
        assertEquals(SyncStatus.Invalid, status.status(), () -> "status: " + status);
        assertEquals(List.of(problem), status.problems().stream().map(Object::toString).toList());
        assertEquals(List.of(), fleet.server(0).commandLines(), "commands that reached the host");
        assertFalse(Files.exists(fleet.base(0)), "the app's base directory on the host");
    }
}
