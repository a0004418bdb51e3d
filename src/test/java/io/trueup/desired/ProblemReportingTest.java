package io.trueup.desired;

import static io.trueup.desired.DesiredFiles.APP_YAML;
import static io.trueup.desired.DesiredFiles.ENV_YAML;
import static io.trueup.desired.DesiredFiles.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a user reads when a desired-state file is wrong: {@code file:line: field: message}. */
class ProblemReportingTest {

    private static List<String> problemsOfProductionWith(String envYaml) {
        return problems(DesiredFiles.with("apps/hello/app.yaml", APP_YAML)
                .and("apps/hello/production.yaml", envYaml).parse(), "hello", "production");
    }

    @Test
    void reportsYamlSyntaxErrorWithLine() {
        assertEquals(List.of("apps/hello/production.yaml:4: not valid YAML: mapping values are not allowed here"),
                problemsOfProductionWith(ENV_YAML.replace("hosts:", "hosts: x\n  y:")));
    }

    @Test
    void reportsDuplicateKeyAsSyntaxError() {
        assertEquals(List.of("apps/hello/production.yaml:4: not valid YAML: Duplicate field 'sha'"),
                problemsOfProductionWith(ENV_YAML + "sha: " + DesiredFiles.SHA + "\n"));
    }

    @Test
    void reportsDocumentThatIsNotAMapping() {
        assertEquals(List.of("apps/hello/production.yaml:1: must be a mapping of field: value, not a list"),
                problemsOfProductionWith("- web1.example.com\n"));
    }

    @Test
    void reportsMoreThanOneDocumentInAFile() {
        assertEquals(List.of("apps/hello/production.yaml:5: holds more than one YAML document; put one mapping"
                + " in the file"), problemsOfProductionWith(ENV_YAML + "---\nkeep: 3\n"));
    }

    @Test
    void acceptsAnEmptyDocumentAfterATrailingSeparator() {
        assertEquals(List.of("apps/hello/production.yaml:4: keep: must be a whole number of at least 2 (the current"
                + " and the previous release)"), problemsOfProductionWith(ENV_YAML + "keep: 1\n---\n"));
    }

    @Test
    void reportsFileThatIsNotUtf8() {
        byte[] latin1 = (ENV_YAML + "restart: echo caf\u00e9\n").getBytes(StandardCharsets.ISO_8859_1);
        DesiredState state = new DesiredStateParser().parse("rev1", Map.of(
                "apps/hello/app.yaml", APP_YAML.getBytes(StandardCharsets.UTF_8),
                "apps/hello/production.yaml", latin1), "deploy");

        List<String> problems = problems(state, "hello", "production");
        assertEquals(1, problems.size());
        assertTrue(problems.getFirst().startsWith("apps/hello/production.yaml:4: not UTF-8 text: "), problems::toString);
    }

    @Test
    void reportsUnknownFieldWithFileAndLine() {
        assertEquals(List.of("apps/hello/production.yaml:2: host: unknown field; allowed fields are source, path,"
                + " user, requirements, wheelhouse, python, transport, restart, stop, health, rollout, keep, selfHeal, shared,"
                + " config, vars, hostVars, hooks, sha, requirementsHash, hosts"),
                problemsOfProductionWith(ENV_YAML.replaceFirst("\n", "\nhost: web3.example.com\n")));
    }

    @Test
    void reportsUnknownNestedFieldNamingTheFieldsAllowedThere() {
        assertEquals(List.of("apps/hello/production.yaml:5: health.url: unknown field; allowed in health are"
                + " http, command, timeout, interval, retries, grace"),
                problemsOfProductionWith(ENV_YAML + "health:\n  url: http://{host}/\n"));
    }

    @Test
    void reportsSectionThatIsNotAMapping() {
        assertEquals(List.of("apps/hello/production.yaml:4: rollout: must be a mapping of batch, maxFailures,"
                + " canary, canaryPause, pause, onFailure, not the number 2"),
                problemsOfProductionWith(ENV_YAML + "rollout: 2\n"));
    }

    @Test
    void reportsATransportThatIsNeitherGitNorArchive() {
        assertEquals(List.of("apps/hello/production.yaml:4: transport: must be git or archive"),
                problemsOfProductionWith(ENV_YAML + "transport: tar\n"));
    }

    @Test
    void reportsWrongTypeAndSuggestsQuoting() {
        assertEquals(List.of("apps/hello/production.yaml:4: python: must be a string, not true/false (YAML reads"
                + " yes, no, on and off as true/false); put it in quotes"),
                problemsOfProductionWith(ENV_YAML + "python: yes\n"));
    }

    @Test
    void reportsEveryProblemOfAFileNotJustTheFirst() {
        assertEquals(List.of(
                "apps/hello/production.yaml:1: sha: must be a full commit id: 40 lowercase hex characters",
                "apps/hello/production.yaml:2: requirementsHash: must be sha256: followed by 64 lowercase hex"
                        + " characters",
                "apps/hello/production.yaml:5: hosts[1]: not a host name, IPv4 address or [IPv6 address]: web_2",
                "apps/hello/production.yaml:7: health.timeout: must be a duration such as 500ms, 30s, 2m or 1h"),
                problemsOfProductionWith("""
                        sha: 3F9C
                        requirementsHash: md5:abc
                        hosts:
                          - web1.example.com
                          - web_2
                        health:
                          timeout: "30"
                        """));
    }

    @Test
    void reportsMissingRequiredFieldsAtTheTopOfTheEnvFile() {
        assertEquals(List.of(
                "apps/hello/production.yaml:1: requirementsHash: missing; set it in this file or in"
                        + " apps/hello/app.yaml",
                "apps/hello/production.yaml:1: hosts: missing; set it in this file or in apps/hello/app.yaml"),
                problemsOfProductionWith("sha: " + DesiredFiles.SHA + "\n"));
    }

    @Test
    void doesNotReportMissingFieldsOfAFileThatCouldNotBeRead() {
        assertEquals(1, problemsOfProductionWith("sha: [\n").size());
    }

    @Test
    void reportsDuplicateHostsWithTheirIndexes() {
        assertEquals(List.of("apps/hello/production.yaml:6: hosts[2]: web1.example.com is already listed as"
                + " hosts[0]"), problemsOfProductionWith(ENV_YAML.replace("hosts: [web1.example.com,"
                + " \"web2.example.com:2222\"]", """
                hosts:
                  - web1.example.com
                  - web2.example.com
                  - web1.example.com:22
                """)));
    }

    @Test
    void reportsEmptyHostList() {
        assertEquals(List.of("apps/hello/production.yaml:3: hosts: must not be empty"),
                problemsOfProductionWith(ENV_YAML.replaceAll("hosts: .*", "hosts: []")));
    }

    @Test
    void reportsHealthWithBothHttpAndCommandWhereTheEnvFileAddsOne() {
        assertEquals(List.of("apps/hello/production.yaml:5: health.command: health takes http or command, not both;"
                + " health.http is set at apps/hello/app.yaml:5 (write http: null here to drop it)"),
                problemsOfProductionWith(ENV_YAML + "health:\n  command: ./check\n"));
    }

    @Test
    void reportsHealthWithBothHttpAndCommandInOneFile() {
        assertEquals(List.of("apps/hello/production.yaml:6: health.command: health takes http or command, not both;"
                + " health.http is set at apps/hello/production.yaml:5"),
                problemsOfProductionWith(ENV_YAML + "health:\n  http: http://{host}/\n  command: ./check\n"));
    }

    @Test
    void reportsYamlAliasesInsteadOfReadingThemAsText() {
        assertEquals(List.of("apps/hello/production.yaml:6: rollout.batch: YAML aliases (*two) are not supported;"
                + " write the value out"), problemsOfProductionWith(ENV_YAML + """
                keep: &two 2
                rollout:
                  batch: *two
                """));
    }
}
