package io.trueup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.cli.CheckRepos.Result;
import io.trueup.desired.RequirementsHash;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code plan --base --head} on two commits of a real desired-state repository. */
@Timeout(60)
class PlanCommandTest {

    private static final String APP_YAML = "path: hello\nrollout:\n  canary: 1\n  batch: 2\n";

    @TempDir
    Path tmp;

    private CheckRepos repos;
    private String first;
    private String hash;

    @BeforeEach
    void setUp() throws Exception {
        repos = CheckRepos.create(tmp);
        first = repos.app.head();
        hash = repos.hash();
        repos.write("apps/hello/app.yaml", "source: " + repos.app.dir() + "\n" + APP_YAML);
    }

    private String env(String sha, String hash, String hosts, String extra) {
        return "sha: " + sha + "\nrequirementsHash: " + hash + "\nhosts: [" + hosts + "]\n" + extra;
    }

    private Result plan(String base, String head) {
        return CheckRepos.run("plan", "--base", base, "--head", head, "--repo", repos.desired.dir().toString());
    }

    private static String abbrev(String sha) {
        return sha.substring(0, 7);
    }

    private static String shortHash(String hash) {
        return hash.substring(0, "sha256:".length() + 12);
    }

    @Test
    void showsWhatMergingDoesToEachEnvironmentWithCommitsAndBatchesCanaryFirst() throws Exception {
        String base = repos.write("apps/hello/prod.yaml", env(first, hash, "web1, web2, web3, web4", ""))
                .write("apps/hello/staging.yaml", env(first, hash, "stage1", ""))
                .write("apps/hello/old.yaml", env(first, hash, "old1", ""))
                .commit("hello everywhere");
        repos.appCommit("app.py", "print('bonjour')\n", "Greet in French");
        String louder = repos.appCommit("app.py", "print('BONJOUR')\n", "Say hello louder");
        String newReqs = repos.appCommit("requirements.txt", "greeting==1.0\n# pinned\n", "Pin the greeting");
        String newHash = RequirementsHash.of("greeting==1.0\n# pinned\n".getBytes(StandardCharsets.UTF_8)).toString();
        String head = repos.write("apps/hello/prod.yaml",
                        env(louder, hash, "web1, web2, web3, web4, web5", "health:\n  timeout: 10s\n"))
                .write("apps/hello/staging.yaml", env(newReqs, newHash, "stage1", ""))
                .write("apps/hello/old.yaml", null)
                .write("apps/hello/qa.yaml", env(louder, hash, "qa1, qa2", ""))
                .commit("Deploy the louder hello");

        Result result = plan(base, head);

        assertEquals(new Result(0, List.of(
                "plan: desired state " + abbrev(base) + " -> " + abbrev(head),
                "hello/old: removed",
                "  undeploys 1 host: old1",
                "    current is removed (no stop command); releases, envs and shared stay",
                "    at once with trueup.undeploy=auto; else (manual, the default) on POST /api/apps/hello/old/undeploy",
                "hello/prod: changed",
                "  sha: " + abbrev(first) + " -> " + abbrev(louder),
                "    + Say hello louder",
                "    + Greet in French",
                "  env: reused: " + shortHash(hash),
                "  hosts added: web5",
                "  health.timeout: 30s -> 10s",
                "  deploys to 5 hosts in 3 batches:",
                "    batch 1 (canary): web1",
                "    batch 2: web2, web3",
                "    batch 3: web4, web5",
                "hello/qa: added",
                "  sha: " + abbrev(louder),
                "  env: " + shortHash(hash),
                "  deploys to 2 hosts in 2 batches:",
                "    batch 1 (canary): qa1",
                "    batch 2: qa2",
                "hello/staging: changed",
                "  sha: " + abbrev(first) + " -> " + abbrev(newReqs),
                "    + Pin the greeting",
                "    + Say hello louder",
                "    + Greet in French",
                "  env: rebuilt: " + shortHash(hash) + " -> " + shortHash(newHash),
                "  deploys to 1 host in 1 batch:",
                "    batch 1 (canary): stage1",
                "plan: 2 changed, 1 added, 1 removed, 0 invalid, 0 unchanged"), List.of()), result);
    }

    @Test
    void removingAnEnvironmentFileShowsItsHostsUndeployedWithTheStopCommand() throws Exception {
        String base = repos.write("apps/hello/prod.yaml", env(first, hash, "web1, web2", "stop: sh bin/stop\n"))
                .write("apps/hello/staging.yaml", env(first, hash, "stage1", "")).commit("hello in prod and staging");
        String head = repos.write("apps/hello/prod.yaml", null).commit("Retire hello in prod");

        Result result = plan(base, head);

        assertEquals(new Result(0, List.of(
                "plan: desired state " + abbrev(base) + " -> " + abbrev(head),
                "hello/prod: removed",
                "  undeploys 2 hosts: web1, web2",
                "    stop runs (sh bin/stop), then current is removed; releases, envs and shared stay",
                "    at once with trueup.undeploy=auto; else (manual, the default) on POST /api/apps/hello/prod/undeploy",
                "plan: 0 changed, 0 added, 1 removed, 0 invalid, 1 unchanged"), List.of()), result);
    }

    @Test
    void aRevertListsTheCommitsItTakesOut() throws Exception {
        repos.write("apps/hello/prod.yaml", env(first, hash, "web1", "")).commit("Deploy hello");
        String second = repos.appCommit("app.py", "print('bonjour')\n", "Greet in French");
        String base = repos.write("apps/hello/prod.yaml", env(second, hash, "web1", "")).commit("Deploy French");
        String head = repos.desired.revert(base);

        Result result = plan(base, head);

        assertEquals(List.of(
                "  sha: " + abbrev(second) + " -> " + abbrev(first),
                "    - Greet in French",
                "  env: reused: " + shortHash(hash)), result.out().subList(2, 5));
        assertEquals(0, result.status());
    }

    @Test
    void aHeadOutsideThePolicyOfPolicyIsInvalidAndFailsThePlan() throws Exception {
        String base = repos.write("apps/hello/prod.yaml", env(first, hash, "web1", "")).commit("prod");
        String head = repos.write("apps/hello/prod.yaml", env(first, hash, "web1, db1", "")).commit("Add db1");
        Path properties = tmp.resolve("policy.properties");
        java.nio.file.Files.writeString(properties, "trueup.policy.hosts=web*\n");

        Result open = plan(base, head);
        Result bounded = CheckRepos.run("plan", "--base", base, "--head", head, "--repo",
                repos.desired.dir().toString(), "--policy", properties.toString());

        assertEquals(0, open.status(), open::toString);
        assertEquals(1, bounded.status(), bounded::toString);
        assertTrue(bounded.out().stream().anyMatch(l -> l.contains("db1 matches none of trueup.policy.hosts")),
                bounded::toString);
    }

    @Test
    void settingsThatChangeNoHostSaySo() throws Exception {
        String base = repos.write("apps/hello/prod.yaml", env(first, hash, "web1, web2", "")).commit("prod");
        String head = repos.write("apps/hello/prod.yaml", env(first, hash, "web2", "keep: 3\nrestart: sh bin/restart\n"))
                .commit("Keep fewer releases");

        Result result = plan(base, head);

        assertEquals(new Result(0, List.of(
                "plan: desired state " + abbrev(base) + " -> " + abbrev(head),
                "hello/prod: changed",
                "  hosts removed: web1",
                "    current is removed (no stop command); releases, envs and shared stay",
                "    at once with trueup.undeploy=auto; else (manual, the default) on POST /api/apps/hello/prod/undeploy",
                "  restart: (none) -> sh bin/restart",
                "  keep: 5 -> 3",
                "  deploys to no host",
                "plan: 1 changed, 0 added, 0 removed, 0 invalid, 0 unchanged"), List.of()), result);
    }

    @Test
    void showsTheLinesOfRenderedConfigThatChangeForEachHostWithSecretsMasked() throws Exception {
        String config = """
                config:
                  - template: settings.tmpl
                    dest: mysite/trueup_settings.py
                vars:
                  greeting: hi
                """;
        repos.write("apps/hello/settings.tmpl", "KEY = '{secret:django_key}'\nGREETING = '{vars.greeting}'\n"
                + "WORKERS = {vars.workers}\n");
        String base = repos.write("apps/hello/prod.yaml", env(first, hash, "web1, web2, web3",
                config + "  workers: 2\n")).commit("Settings");
        String head = repos.write("apps/hello/prod.yaml", env(first, hash, "web1, web2, web3",
                config.replace("hi", "hello") + "  workers: 2\nhostVars:\n  web3: {workers: 4}\n"))
                .commit("Say hello, web3 has more cores");

        Result result = plan(base, head);

        assertEquals(new Result(0, List.of(
                "plan: desired state " + abbrev(base) + " -> " + abbrev(head),
                "hello/prod: changed",
                "  vars: {greeting=hi, workers=2} -> {greeting=hello, workers=2}",
                "  hostVars: (none) -> {web3={workers=4}}",
                "  config of web1, web2:",
                "    mysite/trueup_settings.py:",
                "       KEY = '[secret django_key]'",
                "      -GREETING = 'hi'",
                "      +GREETING = 'hello'",
                "       WORKERS = 2",
                "  config of web3:",
                "    mysite/trueup_settings.py:",
                "       KEY = '[secret django_key]'",
                "      -GREETING = 'hi'",
                "      -WORKERS = 2",
                "      +GREETING = 'hello'",
                "      +WORKERS = 4",
                "  deploys to 3 hosts in 2 batches:",
                "    batch 1 (canary): web1",
                "    batch 2: web2, web3",
                "plan: 1 changed, 0 added, 0 removed, 0 invalid, 0 unchanged"), List.of()), result);
    }

    @Test
    void aChangeThatDiffersOnEveryHostIsShownForThreeAndNamedForTheRest() throws Exception {
        repos.write("apps/hello/settings.tmpl", "# {host}\nGREETING = '{vars.greeting}'\n");
        String config = "config:\n  - {template: settings.tmpl, dest: settings.py}\nvars: {greeting: hi}\n";
        String base = repos.write("apps/hello/prod.yaml", env(first, hash, "web1, web2, web3, web4, web5", config))
                .commit("Settings");
        String head = repos.write("apps/hello/prod.yaml", env(first, hash, "web1, web2, web3, web4, web5",
                config.replace("hi", "hello"))).commit("Say hello");

        List<String> out = plan(base, head).out();

        assertEquals(3, out.stream().filter(line -> line.startsWith("  config of ")).count(), out::toString);
        assertEquals(List.of("  config of web1:", "    settings.py:", "       # web1", "      -GREETING = 'hi'",
                "      +GREETING = 'hello'"), out.subList(3, 8));
        assertEquals(true, out.contains("  config changes on 2 more hosts too (not shown): web4, web5"), out::toString);
    }

    @Test
    void aTemplateThatDoesNotRenderAtHeadIsAProblemWithItsLine() throws Exception {
        String config = "config:\n  - {template: settings.tmpl, dest: settings.py}\n";
        repos.write("apps/hello/settings.tmpl", "A = 1\n");
        String base = repos.write("apps/hello/prod.yaml", env(first, hash, "web1", config)).commit("Settings");
        String head = repos.write("apps/hello/settings.tmpl", "A = 1\nB = {vars.b}\n").commit("Use b");

        Result result = plan(base, head);

        assertEquals(new Result(1, List.of(
                "plan: desired state " + abbrev(base) + " -> " + abbrev(head),
                "hello/prod: invalid at head; trueup keeps its last valid state and changes no host",
                "apps/hello/settings.tmpl:2: rendering for web1: Key \"b\" not found in the map with keys [] in"
                        + " expression {vars.b}",
                "plan: 0 changed, 0 added, 0 removed, 1 invalid, 0 unchanged"), List.of()), result);
    }

    @Test
    void anInvalidHeadPrintsItsProblemsAndExitsOne() throws Exception {
        String base = repos.write("apps/hello/prod.yaml", env(first, hash, "web1", ""))
                .write("apps/hello/staging.yaml", env(first, hash, "web2", "")).commit("prod and staging");
        String head = repos.write("apps/hello/prod.yaml", env("8d1e4b2c", hash, "web1", "")).commit("A short sha");

        Result result = plan(base, head);

        assertEquals(new Result(1, List.of(
                "plan: desired state " + abbrev(base) + " -> " + abbrev(head),
                "hello/prod: invalid at head; trueup keeps its last valid state and changes no host",
                "apps/hello/prod.yaml:1: sha: must be a full commit id: 40 lowercase hex characters",
                "plan: 0 changed, 0 added, 0 removed, 1 invalid, 1 unchanged"), List.of()), result);
    }

    @Test
    void saysWhyCommitsAreNotListedWhenTheAppRepositoryCannotBeReached() throws Exception {
        String base = repos.write("apps/hello/prod.yaml", env(first, hash, "web1", "")).commit("prod");
        String other = "b".repeat(40);
        String head = repos.write("apps/hello/prod.yaml", env(other, hash, "web1", "")).commit("Unknown commit");

        Result result = plan(base, head);

        assertEquals("    (commits not listed: commit bbbbbbb not found in " + repos.app.dir() + ")",
                result.out().get(3));
        assertEquals(0, result.status());
    }

    @Test
    void anUnknownRevisionCannotBePlannedAndExitsTwo() throws Exception {
        String base = repos.write("apps/hello/prod.yaml", env(first, hash, "web1", "")).commit("prod");

        Result result = plan(base, "no-such-branch");

        assertEquals(new Result(2, List.of(), List.of("trueup plan: revision no-such-branch not found in "
                + repos.desired.dir())), result);
    }

    @Test
    void aMissingOptionPrintsUsageAndExitsTwo() {
        Result result = CheckRepos.run("plan", "--base", "HEAD~1", "--repo", repos.desired.dir().toString());

        assertEquals(2, result.status());
        assertEquals(List.of(), result.out());
        assertEquals("trueup: option --head is required", result.err().getFirst());
        assertEquals(Cli.USAGE.lines().toList(), result.err().subList(1, result.err().size()));
    }

    @Test
    void commitSubjectsAndValuesArePrintedWithTheirControlCharactersEscaped() throws Exception {
        String base = repos.write("apps/hello/prod.yaml", env(first, hash, "web1", "")).commit("hello in prod");
        String cleared = repos.appCommit("app.py", "print('hi')\n", "\u001b[2JCleared the screen");
        String head = repos.write("apps/hello/prod.yaml", env(cleared, hash, "web1", "vars:\n  bell: \"a\\ab\"\n"))
                .commit("Deploy");

        Result result = plan(base, head);

        assertEquals(0, result.status(), result::toString);
        assertEquals(true, result.out().contains("    + \\x1b[2JCleared the screen"), result::toString);
        assertEquals(true, result.out().contains("  vars: (none) -> {bell=a\\x07b}"), result::toString);
        assertEquals(false, result.out().stream().flatMapToInt(String::chars).anyMatch(c -> c < 0x20),
                result::toString);
    }
}
