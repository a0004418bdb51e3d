package io.trueup.desired;

import static io.trueup.desired.DesiredFiles.APP_YAML;
import static io.trueup.desired.DesiredFiles.ENV_YAML;
import static io.trueup.desired.DesiredFiles.HASH;
import static io.trueup.desired.DesiredFiles.SHA;
import static io.trueup.desired.DesiredFiles.problems;
import static io.trueup.desired.DesiredFiles.spec;
import static io.trueup.desired.DesiredFiles.stateProblems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DesiredStateParserTest {

    @Test
    void readsEveryEnvironmentOfEveryAppWithTheRevision() {
        DesiredState state = DesiredFiles.with("apps/hello/app.yaml", APP_YAML)
                .and("apps/hello/production.yaml", ENV_YAML)
                .and("apps/hello/staging.yml", ENV_YAML)
                .and("apps/other/app.yaml", APP_YAML.replace("hello", "other"))
                .and("apps/other/production.yaml", ENV_YAML)
                .parse();

        assertEquals("rev1", state.revision());
        assertEquals(List.of(new AppEnv("hello", "production"), new AppEnv("hello", "staging"),
                new AppEnv("other", "production")), List.copyOf(state.entries().keySet()));
        assertEquals(List.of(), state.problems());
    }

    @Test
    void mergesAppYamlAndEnvFileIntoOneSpec() {
        AppSpec spec = spec(DesiredFiles.with("apps/hello/app.yaml", APP_YAML)
                .and("apps/hello/production.yaml", ENV_YAML).parse(), "hello", "production");

        assertEquals("ssh://git@git.example.com/hello.git", spec.source());
        assertEquals("/srv/hello", spec.path());
        assertEquals(Optional.of("sudo systemctl restart hello"), spec.restart());
        assertEquals(new Sha(SHA), spec.sha());
        assertEquals(RequirementsHash.parse(HASH), spec.requirementsHash());
        assertEquals(List.of(new HostAddress("web1.example.com", 22), new HostAddress("web2.example.com", 2222)),
                spec.hosts());
        assertEquals("apps/hello/production.yaml", spec.file());
    }

    @Test
    void fillsDefaultsForFieldsNeitherFileSets() {
        AppSpec spec = spec(DesiredFiles.with("apps/hello/production.yaml", """
                source: /srv/git/hello.git
                path: hello
                """ + ENV_YAML).parse(), "hello", "production");

        assertEquals("deploy", spec.user());
        assertEquals("requirements.txt", spec.requirements());
        assertEquals("wheels", spec.wheelhouse());
        assertEquals("python3", spec.python());
        assertEquals(Optional.empty(), spec.restart());
        assertEquals(Health.NONE, spec.health());
        assertEquals(Rollout.DEFAULT, spec.rollout());
        assertEquals(5, spec.keep());
        assertEquals(Transport.GIT, spec.transport());
    }

    @Test
    void envFileOverridesAppFieldsFieldByField() {
        AppSpec spec = spec(DesiredFiles.with("apps/hello/app.yaml", APP_YAML)
                .and("apps/hello/production.yaml", ENV_YAML + """
                        path: /opt/hello
                        health:
                          interval: 500ms
                          retries: 5
                          grace: 10s
                        rollout:
                          batch: 25%
                          maxFailures: 1
                          canary: 2
                          canaryPause: 5m
                          pause: 30s
                          onFailure: rollback-all
                        keep: 2
                        selfHeal: false
                        transport: archive
                        """).parse(), "hello", "production");

        assertEquals("/opt/hello", spec.path());
        assertEquals(Optional.of("http://{host}:8000/healthz"), spec.health().http());
        assertEquals(Duration.ofSeconds(20), spec.health().timeout());
        assertEquals(Duration.ofMillis(500), spec.health().interval());
        assertEquals(5, spec.health().retries());
        assertEquals(Duration.ofSeconds(10), spec.health().grace());
        assertEquals(new Rollout(new BatchSize(25, true), 1, 2, Duration.ofMinutes(5), Duration.ofSeconds(30),
                Rollout.OnFailure.ROLLBACK_ALL), spec.rollout());
        assertEquals(2, spec.keep());
        assertFalse(spec.selfHeal());
        assertEquals(Transport.ARCHIVE, spec.transport());
    }

    @Test
    void readsTheStopCommandFromAppYamlAndLeavesItEmptyWithoutOne() {
        AppSpec withStop = spec(DesiredFiles.with("apps/hello/app.yaml", APP_YAML + "stop: sudo systemctl stop hello\n")
                .and("apps/hello/production.yaml", ENV_YAML).parse(), "hello", "production");
        AppSpec without = spec(DesiredFiles.with("apps/hello/app.yaml", APP_YAML)
                .and("apps/hello/production.yaml", ENV_YAML).parse(), "hello", "production");

        assertEquals(Optional.of("sudo systemctl stop hello"), withStop.stop());
        assertEquals(Optional.empty(), without.stop());
    }

    @Test
    void nullInEnvFileDropsTheInheritedValue() {
        AppSpec spec = spec(DesiredFiles.with("apps/hello/app.yaml", APP_YAML)
                .and("apps/hello/production.yaml", ENV_YAML + """
                        restart: ~
                        health:
                          http: null
                          command: curl -fsS localhost:8000/healthz
                        """).parse(), "hello", "production");

        assertEquals(Optional.empty(), spec.restart());
        assertEquals(Optional.empty(), spec.health().http());
        assertEquals(Optional.of("curl -fsS localhost:8000/healthz"), spec.health().command());
    }

    @Test
    void requiredFieldsMayStandInAppYaml() {
        DesiredState state = DesiredFiles.with("apps/hello/app.yaml", APP_YAML + ENV_YAML)
                .and("apps/hello/production.yaml", "")
                .and("apps/hello/staging.yaml", "sha: " + "b".repeat(40) + "\nhosts: [staging1.example.com]\n")
                .parse();

        assertEquals(new Sha(SHA), spec(state, "hello", "production").sha());
        assertEquals(new Sha("b".repeat(40)), spec(state, "hello", "staging").sha());
    }

    @Test
    void appWithoutAppYamlNeedsEverythingInTheEnvFile() {
        DesiredState state = DesiredFiles.with("apps/hello/production.yaml", ENV_YAML).parse();

        assertEquals(List.of(
                "apps/hello/production.yaml:1: source: missing; set it in this file or in apps/hello/app.yaml",
                "apps/hello/production.yaml:1: path: missing; set it in this file or in apps/hello/app.yaml"),
                problems(state, "hello", "production"));
    }

    @Test
    void badEnvFileInvalidatesOnlyThatEnvironment() {
        DesiredState state = DesiredFiles.with("apps/hello/app.yaml", APP_YAML)
                .and("apps/hello/production.yaml", ENV_YAML.replace(SHA, "main"))
                .and("apps/hello/staging.yaml", ENV_YAML)
                .parse();

        assertEquals(List.of("apps/hello/production.yaml:1: sha: must be a full commit id: 40 lowercase hex characters"),
                problems(state, "hello", "production"));
        assertInstanceOf(DesiredEntry.Valid.class, state.entries().get(new AppEnv("hello", "staging")));
    }

    @Test
    void badAppYamlInvalidatesEveryEnvOfThatAppOnly() {
        DesiredState state = DesiredFiles.with("apps/hello/app.yaml", APP_YAML + "keep: 1\n")
                .and("apps/hello/production.yaml", ENV_YAML)
                .and("apps/hello/staging.yaml", ENV_YAML)
                .and("apps/other/app.yaml", APP_YAML)
                .and("apps/other/production.yaml", ENV_YAML)
                .parse();

        String keepProblem = "apps/hello/app.yaml:7: keep: must be a whole number of at least 2"
                + " (the current and the previous release)";
        assertEquals(List.of(keepProblem), problems(state, "hello", "production"));
        assertEquals(List.of(keepProblem), problems(state, "hello", "staging"));
        assertInstanceOf(DesiredEntry.Valid.class, state.entries().get(new AppEnv("other", "production")));
    }

    @Test
    void anInvalidEntryListsAppYamlAndEnvFileProblemsTogether() {
        DesiredState state = DesiredFiles.with("apps/hello/app.yaml", APP_YAML + "user: Root\n")
                .and("apps/hello/production.yaml", ENV_YAML + "keep: two\n")
                .parse();

        assertEquals(List.of(
                "apps/hello/app.yaml:7: user: must be a user name: a lowercase letter or _, then at most 31"
                        + " lowercase letters, digits, _ or -",
                "apps/hello/production.yaml:4: keep: must be a whole number, not a string"),
                problems(state, "hello", "production"));
    }

    @Test
    void appYamlProblemsOfAnAppWithoutEnvironmentsAreStillReported() {
        DesiredState state = DesiredFiles.with("apps/hello/app.yaml", "colour: blue\n").parse();

        assertEquals(List.of(), List.copyOf(state.entries().keySet()));
        assertEquals(1, state.problems().size());
        assertTrue(stateProblems(state).getFirst().startsWith("apps/hello/app.yaml:1: colour: unknown field"));
    }

    @Test
    void reportsBothYamlAndYmlForTheSameEnvironment() {
        DesiredState state = DesiredFiles.with("apps/hello/app.yaml", APP_YAML)
                .and("apps/hello/production.yaml", ENV_YAML)
                .and("apps/hello/production.yml", ENV_YAML)
                .parse();

        assertEquals(List.of("apps/hello/production.yml: production.yaml exists too; keep only one of them"),
                problems(state, "hello", "production"));
    }

    @Test
    void reportsBothAppYamlAndAppYmlOnEveryEnvironment() {
        DesiredState state = DesiredFiles.with("apps/hello/app.yaml", APP_YAML)
                .and("apps/hello/app.yml", APP_YAML)
                .and("apps/hello/production.yaml", ENV_YAML)
                .parse();

        assertEquals(List.of("apps/hello/app.yml: app.yaml exists too; keep only one of them"),
                problems(state, "hello", "production"));
    }

    @Test
    void reportsYamlFilesOutsideTheAppLayoutAndIgnoresEverythingElse() {
        DesiredState state = DesiredFiles.with("apps/hello/app.yaml", APP_YAML)
                .and("apps/hello/production.yaml", ENV_YAML)
                .and("apps/production.yaml", ENV_YAML)
                .and("apps/hello/old/production.yaml", ENV_YAML)
                .and("apps/hello/README.md", "# hello")
                .and("README.md", "# desired state")
                .and(".github/workflows/check.yaml", "on: push")
                .parse();

        String rule = "not read: trueup reads only apps/<app>/app.yaml and apps/<app>/<env>.yaml";
        assertEquals(List.of("apps/hello/old/production.yaml: " + rule, "apps/production.yaml: " + rule),
                stateProblems(state));
        assertEquals(List.of(new AppEnv("hello", "production")), List.copyOf(state.entries().keySet()));
    }

    @Test
    void reportsAppAndEnvironmentNamesThatAreNotAllowed() {
        DesiredState state = DesiredFiles.with("apps/Hello/production.yaml", ENV_YAML)
                .and("apps/hello/app.yaml", APP_YAML)
                .and("apps/hello/prod env.yaml", ENV_YAML)
                .parse();

        String rule = "1 to 63 lowercase letters, digits, _ or -, starting with a letter or digit";
        assertEquals(List.of(
                "apps/Hello/production.yaml: not read: the app name \"Hello\" (the directory) must be " + rule,
                "apps/hello/prod env.yaml: not read: the environment name \"prod env\" (the file name) must be "
                        + rule),
                stateProblems(state));
    }
}
