package io.trueup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trueup.cli.CheckRepos.Result;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code validate DIR} on a checked-out desired state, against a real app repository. */
@Timeout(60)
class ValidateCommandTest {

    private static final String MISSING = "a".repeat(40);

    @TempDir
    Path tmp;

    private CheckRepos repos;
    private String sha;

    @BeforeEach
    void setUp() throws Exception {
        repos = CheckRepos.create(tmp);
        sha = repos.app.head();
    }

    private Result validate(String... options) {
        String[] args = new String[options.length + 2];
        args[0] = "validate";
        args[1] = repos.desired.dir().toString();
        System.arraycopy(options, 0, args, 2, options.length);
        return CheckRepos.run(args);
    }

    @Test
    void passesWhenEveryPinnedCommitAndHashHoldsInTheAppRepository() throws Exception {
        repos.write("apps/hello/test.yaml", repos.envYaml(sha, repos.hash(), "web1, web2", ""))
                .write("apps/hello/prod.yaml", repos.envYaml(sha, repos.hash(), "web3", ""));

        Result result = validate();

        assertEquals(new Result(0, List.of("validate: 2 app/environments, no problems"), List.of()), result);
    }

    @Test
    void rendersEachConfigAndChecksItsSecretsOnlyWhenGivenTheirDirectory() throws Exception {
        repos.write("apps/hello/settings.tmpl", "KEY = '{secret:django_key}'\n")
                .write("apps/hello/test.yaml", repos.envYaml(sha, repos.hash(), "web1", """
                        config:
                          - {template: settings.tmpl, dest: settings.py}
                        """));
        Path secrets = java.nio.file.Files.createDirectories(tmp.resolve("secrets"));

        assertEquals(new Result(0, List.of("validate: 1 app/environment, no problems"), List.of()), validate());
        assertEquals(new Result(1, List.of(
                "apps/hello/settings.tmpl:1: secret django_key: no file " + secrets.resolve("django_key"),
                "validate: 1 app/environment, 1 problem"), List.of()),
                validate("--secrets-dir", secrets.toString()));
        java.nio.file.Files.writeString(secrets.resolve("django_key"), "k");
        assertEquals(0, validate("--secrets-dir", secrets.toString()).status());
    }

    @Test
    void failsOnATemplateThatDoesNotParseNamingItsLine() throws Exception {
        repos.write("apps/hello/settings.tmpl", "A = 1\n{#for x in vars.list}\n")
                .write("apps/hello/test.yaml", repos.envYaml(sha, repos.hash(), "web1", """
                        config:
                          - {template: settings.tmpl, dest: settings.py}
                        """));

        Result result = validate();

        assertEquals(1, result.status());
        assertEquals(true, result.out().getFirst().startsWith("apps/hello/settings.tmpl:"), result::toString);
    }

    @Test
    void failsOnACommitTheAppRepositoryLacksNamingFileAndLine() throws Exception {
        repos.write("apps/hello/test.yaml", repos.envYaml(MISSING, repos.hash(), "web1", ""));

        Result result = validate();

        assertEquals(new Result(1, List.of(
                "apps/hello/test.yaml:3: sha: commit " + MISSING + " not found in " + repos.app.dir()
                        + " (fetched " + CheckRepos.NOW + ")",
                "validate: 1 app/environment, 1 problem"), List.of()), result);
    }

    @Test
    void failsOnASubmoduleUrlOfAnotherTransportNamingAppCommitAndSubmodule() throws Exception {
        String bad = new io.trueup.support.GitCli(repos.app.dir()).pin(
                io.trueup.support.GitCli.gitmodules("lib", "lib", "ext::git-upload-pack"), "lib", sha);
        repos.write("apps/hello/test.yaml", repos.envYaml(bad, repos.hash(), "web1", ""));

        Result result = validate();

        assertEquals(1, result.status(), result::toString);
        assertEquals(true, result.out().getFirst().startsWith("apps/hello/test.yaml:3: sha: app hello, commit "
                + bad.substring(0, 7) + ": .gitmodules: submodule \"lib\": url ext::git-upload-pack must be a git URL"),
                result::toString);
    }

    @Test
    void failsOnARequirementsHashThatIsNotTheHashOfTheRequirementsAtThatCommit() throws Exception {
        String wrong = "sha256:" + "0".repeat(64);
        repos.write("apps/hello/test.yaml", repos.envYaml(sha, wrong, "web1", ""));

        Result result = validate();

        assertEquals(1, result.status());
        assertEquals("apps/hello/test.yaml:4: requirementsHash: is " + wrong + " but requirements.txt at commit "
                + sha.substring(0, 7) + " hashes to " + repos.hash(), result.out().getFirst());
    }

    @Test
    void failsOnARequirementsFileThatMakesPipFetchFromElsewhere() throws Exception {
        String bad = repos.appCommit("requirements.txt", "greeting==1.0\n--find-links http://169.254.169.254/\n",
                "find links");
        repos.write("apps/hello/test.yaml", repos.envYaml(bad, repos.hash(), "web1", ""));

        Result result = validate();

        assertEquals(new Result(1, List.of("apps/hello/test.yaml:4: requirementsHash: requirements.txt at commit "
                + bad.substring(0, 7) + ", line 2: --find-links http://169.254.169.254/: pip option --find-links is"
                + " refused: pip installs from the wheelhouse only, and requirementsHash covers this file only",
                "validate: 1 app/environment, 1 problem"), List.of()), result);
    }

    @Test
    void appliesThePolicyOfAPropertiesFileAsTheServiceDoes() throws Exception {
        repos.write("apps/hello/test.yaml", repos.envYaml(sha, repos.hash(), "web1.example.com, db1.example.com", ""));
        Path properties = tmp.resolve("application.properties");
        java.nio.file.Files.writeString(properties, """
                trueup.ssh.user=deploy
                trueup.policy.hosts=web*.example.com
                %prod.trueup.policy.hosts=nothing
                """);

        assertEquals(0, validate().status());
        assertEquals(new Result(1, List.of("apps/hello/test.yaml:5: hosts[1]: db1.example.com matches none of"
                + " trueup.policy.hosts ([web*.example.com])", "validate: 1 app/environment, 1 problem"), List.of()),
                validate("--policy", properties.toString()));
    }

    @Test
    void aMisspeltPolicyKeyCannotBeCheckedAndExitsTwo() throws Exception {
        repos.write("apps/hello/test.yaml", repos.envYaml(sha, repos.hash(), "web1", ""));
        Path properties = tmp.resolve("policy.properties");
        java.nio.file.Files.writeString(properties, "trueup.policy.host=web*\n");

        Result result = validate("--policy", properties.toString());

        assertEquals(2, result.status());
        assertEquals("trueup: --policy " + properties + ": trueup.policy.host is not a policy key; they are"
                + " trueup.policy.hosts, trueup.policy.paths, trueup.policy.sources, trueup.policy.users",
                result.err().getFirst());
    }

    @Test
    void reportsEveryParseProblemWithFileLineAndField() throws Exception {
        repos.write("apps/hello/test.yaml", repos.envYaml(sha, repos.hash(), "web1, web1", "keep: 1\n"))
                .write("apps/hello/notes.txt", "not read")
                .write("apps/stray.yaml", "a: b\n");

        Result result = validate();

        assertEquals(new Result(1, List.of(
                "apps/stray.yaml: not read: trueup reads only apps/<app>/app.yaml and apps/<app>/<env>.yaml",
                "apps/hello/test.yaml:5: hosts[1]: web1 is already listed as hosts[0]",
                "apps/hello/test.yaml:6: keep: must be a whole number of at least 2 (the current and the previous release)",
                "validate: 1 app/environment, 3 problems"), List.of()), result);
    }

    @Test
    void anUnreachableSourceIsAWarningAndDoesNotFailTheCheck() throws Exception {
        Path gone = tmp.resolve("gone.git");
        repos.write("apps/hello/app.yaml", "source: " + gone + "\n")
                .write("apps/hello/test.yaml", "path: hello\nsha: " + sha + "\nrequirementsHash: " + repos.hash()
                        + "\nhosts: [web1]\n")
                .write("apps/other/test.yaml", "source: ssh://git@git.example.com/other.git\npath: other\nsha: "
                        + sha + "\nrequirementsHash: " + repos.hash() + "\nhosts: [web1]\n");

        Result result = validate();

        assertEquals(new Result(0, List.of(
                "warning: apps/hello/app.yaml:1: source: cannot fetch app hello from " + gone
                        + ": no git repository there; sha and requirementsHash not checked",
                "warning: apps/other/test.yaml:1: source: not checked: ssh://git@git.example.com/other.git is"
                        + " reached over SSH; give --identity and --known-hosts",
                "validate: 2 app/environments, no problems, 2 warnings"), List.of()), result);
    }

    @Test
    void readsTheDesiredStateFromASubdirectoryOfTheRepository() throws Exception {
        repos.write("deploy/apps/hello/test.yaml", repos.envYaml(sha, repos.hash(), "web1", ""));

        Result result = validate("--dir", "deploy");

        assertEquals(new Result(0, List.of("validate: 1 app/environment, no problems"), List.of()), result);
    }

    @Test
    void aDirectoryWithoutAppsCannotBeCheckedAndExitsTwo() {
        Result result = validate();

        assertEquals(new Result(2, List.of(), List.of("trueup validate: no apps directory in " + repos.desired.dir())),
                result);
    }

    @Test
    void aFileOfThreeGigabytesIsReportedWithItsSizeWithoutBeingRead() throws Exception {
        repos.write("apps/hello/test.yaml", repos.envYaml(sha, repos.hash(), "web1", ""))
                .write("apps/big/test.yaml", "");
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(
                repos.desired.dir().resolve("apps/big/test.yaml").toFile(), "rw")) {
            file.setLength(3L << 30); // sparse: no disk, and more than any heap a test runs with
        }

        Result result = validate();

        assertEquals(new Result(1, List.of("apps/big/test.yaml: is 3221225472 bytes, more than the 1048576 bytes"
                + " (1 MiB) trueup reads of a desired-state file: keep data out of apps/",
                "validate: 2 app/environments, 1 problem"), List.of()), result);
    }

    @Test
    void aSymbolicLinkUnderAppsIsAProblemNotSkipped() throws Exception {
        repos.write("apps/hello/test.yaml", repos.envYaml(sha, repos.hash(), "web1", ""));
        java.nio.file.Files.createSymbolicLink(repos.desired.dir().resolve("apps/hello/prod.yaml"), Path.of("test.yaml"));

        Result result = validate();

        String link = "is a symbolic link; trueup reads only regular files under apps/: commit the file itself";
        assertEquals(new Result(1, List.of("apps/hello/prod.yaml: " + link, "validate: 2 app/environments, 1 problem"),
                List.of()), result);
    }

    @Test
    void controlCharactersOfTheDesiredStateArePrintedEscaped() throws Exception {
        repos.write("apps/hello/test.yaml", repos.envYaml(sha, repos.hash(), "web1", "\"\\e[2Jcolour\": red\n"));

        Result result = validate();

        assertEquals(1, result.status());
        assertEquals(true, result.out().getFirst().startsWith("apps/hello/test.yaml:6: \\x1b[2Jcolour: unknown field;"),
                result::toString);
        assertEquals(false, String.join("\n", result.out()).contains("\u001b"), result::toString);
    }
}
