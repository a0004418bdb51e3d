package io.trueup.desired;

import static io.trueup.desired.DesiredFiles.HASH;
import static io.trueup.desired.DesiredFiles.SHA;
import static io.trueup.desired.DesiredFiles.problems;
import static io.trueup.desired.DesiredFiles.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What desired state may not ask of trueup whoever merges it: a system directory or a directory
 * of others as an app's base, two base directories that overlap on one host, a host twice in
 * another case, shell text of any length, and what the operator's policy refuses.
 */
class HardeningRulesTest {

    private static String env(String path, String hosts) {
        return """
                source: /srv/git/hello.git
                path: %s
                sha: %s
                requirementsHash: %s
                hosts: [%s]
                """.formatted(path, SHA, HASH, hosts);
    }

    private static DesiredState parse(Policy policy, String... pathsAndYaml) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < pathsAndYaml.length; i += 2) {
            files.put(pathsAndYaml[i], pathsAndYaml[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return new DesiredStateParser(policy).parse("rev1", files, "deploy");
    }

    private static DesiredState parse(String... pathsAndYaml) {
        return parse(Policy.OPEN, pathsAndYaml);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc", "/etc/hello", "/usr", "/usr/local/hello", "/bin", "/sbin", "/lib", "/lib64/x",
            "/proc/1", "/sys", "/dev/shm/x", "/boot", "/run/hello"})
    void refusesABasePathInTheSystemsDirectories(String path) {
        List<String> found = problems(parse("apps/hello/prod.yaml", env(path, "web1")), "hello", "prod");

        assertEquals(1, found.size(), found::toString);
        assertEquals(true, found.getFirst().startsWith("apps/hello/prod.yaml:2: path: must not be in /"),
                found::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/home", "/home/deploy", "/root", "/var", "/var/lib", "/srv", "/opt", "/tmp"})
    void refusesADirectoryThatHoldsOthersAsABasePath(String path) {
        assertEquals(List.of("apps/hello/prod.yaml:2: path: must not be " + path + " itself, which holds more than"
                + " this app; use a directory of its own under it"),
                problems(parse("apps/hello/prod.yaml", env(path, "web1")), "hello", "prod"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/srv/hello", "/opt/hello", "/home/deploy/hello", "/var/lib/hello", "hello", "apps/hello"})
    void acceptsABasePathOfItsOwn(String path) {
        assertEquals(path, spec(parse("apps/hello/prod.yaml", env(path, "web1")), "hello", "prod").path());
    }

    @Test
    void pythonMayStillBeAnInterpreterOfTheSystem() {
        DesiredState state = parse("apps/hello/prod.yaml", env("/srv/hello", "web1") + "python: /usr/bin/python3.12\n");

        assertEquals("/usr/bin/python3.12", spec(state, "hello", "prod").python());
    }

    @Test
    void refusesTwoAppsWithOnePathOnTheSameHostEachAtItsPathLine() {
        DesiredState state = parse("apps/hello/prod.yaml", env("/srv/site", "web1, web2"),
                "apps/shop/prod.yaml", env("/srv/site", "WEB2:22, web3"));

        assertEquals(List.of("apps/hello/prod.yaml:2: path: /srv/site is also the path of shop/prod"
                + " (apps/shop/prod.yaml) on web2; apps on one host need base directories apart"),
                problems(state, "hello", "prod"));
        assertEquals(List.of("apps/shop/prod.yaml:2: path: /srv/site is also the path of hello/prod"
                + " (apps/hello/prod.yaml) on web2; apps on one host need base directories apart"),
                problems(state, "shop", "prod"));
    }

    @Test
    void refusesAPathInsideAnotherAppsPathOnTheSameHost() {
        DesiredState state = parse("apps/hello/prod.yaml", env("/srv/site", "web1"),
                "apps/shop/prod.yaml", env("/srv/site/shop", "web1"));

        assertEquals(List.of("apps/hello/prod.yaml:2: path: /srv/site holds the path /srv/site/shop of shop/prod"
                + " (apps/shop/prod.yaml) on web1; apps on one host need base directories apart"),
                problems(state, "hello", "prod"));
        assertEquals(List.of("apps/shop/prod.yaml:2: path: /srv/site/shop lies inside the path /srv/site of"
                + " hello/prod (apps/hello/prod.yaml) on web1; apps on one host need base directories apart"),
                problems(state, "shop", "prod"));
    }

    @Test
    void refusesTwoEnvironmentsOfOneAppWithOnePathOnTheSameHost() {
        DesiredState state = parse("apps/hello/prod.yaml", env("/srv/hello", "web1"),
                "apps/hello/staging.yaml", env("/srv/hello", "web1"));

        assertEquals(1, problems(state, "hello", "prod").size());
        assertEquals(1, problems(state, "hello", "staging").size());
    }

    @Test
    void allowsOnePathOnDifferentHostsAndNeighbouringPathsOnOneHost() {
        DesiredState state = parse("apps/hello/prod.yaml", env("/srv/site", "web1, web1:2222"),
                "apps/shop/prod.yaml", env("/srv/site", "web2"),
                "apps/blog/prod.yaml", env("/srv/site-blog", "web1"),
                "apps/wiki/prod.yaml", env("/srv/site", "web1:2223"));

        for (String app : List.of("hello", "shop", "blog", "wiki")) {
            spec(state, app, "prod");
        }
    }

    @Test
    void comparesRelativePathsOnlyForOneUser() {
        DesiredState state = parse("apps/hello/prod.yaml", env("site", "web1") + "user: alice\n",
                "apps/shop/prod.yaml", env("site", "web1") + "user: bob\n",
                "apps/blog/prod.yaml", env("site/blog", "web1") + "user: bob\n");

        spec(state, "hello", "prod");
        assertEquals(1, problems(state, "shop", "prod").size());
        assertEquals(1, problems(state, "blog", "prod").size());
    }

    @Test
    void refusesAHostListedTwiceInAnotherCase() {
        assertEquals(List.of("apps/hello/prod.yaml:5: hosts[1]: web1.example.com is already listed as hosts[0]"),
                problems(parse("apps/hello/prod.yaml", env("/srv/hello", "web1.example.com, Web1.Example.COM")),
                        "hello", "prod"));
    }

    @Test
    void hostVarsNameAHostInAnyCase() {
        DesiredState state = parse("apps/hello/prod.yaml", env("/srv/hello", "Web1") + "hostVars:\n  WEB1: {a: 1}\n");

        assertEquals(Map.of(new HostAddress("web1", 22), Map.of("a", 1L)), spec(state, "hello", "prod").recipe()
                .hostVars());
    }

    @Test
    void refusesARestartLongerThanTheCap() {
        String restart = "echo " + "x".repeat(ValueRules.MAX_COMMAND);

        assertEquals(List.of("apps/hello/prod.yaml:6: restart: must be at most 4096 characters (it has 4101); put a"
                + " longer script in the app's repository and run that"),
                problems(parse("apps/hello/prod.yaml", env("/srv/hello", "web1") + "restart: " + restart + "\n"),
                        "hello", "prod"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hooks:\n  build: ", "hooks:\n  migrate: ", "health:\n  command: ", "stop: "})
    void refusesOtherShellTextLongerThanTheCap(String field) {
        String yaml = env("/srv/hello", "web1") + field + "x".repeat(ValueRules.MAX_COMMAND + 1) + "\n";

        assertEquals(1, problems(parse("apps/hello/prod.yaml", yaml), "hello", "prod").size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://169.254.169.254/latest/meta-data/", "http://lb.example.com/{host}",
            "http://{host}.evil.example.com/", "http://{host}@169.254.169.254/", "http://x:{host}@169.254.169.254/"})
    void refusesAHealthUrlWhoseHostIsNotTheHost(String url) {
        assertThrows(IllegalArgumentException.class, () -> ValueRules.httpUrl(url));
    }

    @Test
    void appliesEachRuleOfThePolicyAtTheLineOfItsField() {
        Policy policy = Policy.of(Map.of("users", "web, app", "hosts", "*.prod.example.com", "paths", "/srv/apps/",
                "sources", "ssh://git@git.example.com/apps/"));
        String yaml = """
                source: ssh://git@git.example.com/other/hello.git
                path: /srv/hello
                user: root
                sha: %s
                requirementsHash: %s
                hosts: [web1.prod.example.com, WEB2.PROD.example.com, db1.example.com]
                """.formatted(SHA, HASH);

        assertEquals(List.of(
                "apps/hello/prod.yaml:3: user: root is not allowed by trueup.policy.users ([web, app])",
                "apps/hello/prod.yaml:6: hosts[2]: db1.example.com matches none of trueup.policy.hosts"
                        + " ([*.prod.example.com])",
                "apps/hello/prod.yaml:2: path: /srv/hello lies under none of trueup.policy.paths ([/srv/apps])",
                "apps/hello/prod.yaml:1: source: ssh://git@git.example.com/other/hello.git starts with none of"
                        + " trueup.policy.sources ([ssh://git@git.example.com/apps/])"),
                problems(parse(policy, "apps/hello/prod.yaml", yaml), "hello", "prod"));
    }

    @Test
    void aDefaultUserOutsideThePolicyIsNamedAsTheDefault() {
        Policy policy = Policy.of(Map.of("users", "web"));

        assertEquals(List.of("apps/hello/prod.yaml: user: deploy is not allowed by trueup.policy.users ([web]) (the"
                + " default, trueup.ssh.user)"),
                problems(parse(policy, "apps/hello/prod.yaml", env("/srv/hello", "web1")), "hello", "prod"));
    }

    @Test
    void anHttpsSourceWithATokenInItIsAProblemOnItsLineThatDoesNotShowTheToken() {
        String yaml = env("/srv/hello", "web1").replace("/srv/git/hello.git",
                "https://deploy:ghp_s3cr3t@git.example.com/team/hello.git");

        assertEquals(List.of("apps/hello/prod.yaml:1: source: must not hold a user or password: credentials never"
                + " come from git; put them in the file git-credentials of trueup.secrets.dir"),
                problems(parse("apps/hello/prod.yaml", yaml), "hello", "prod"));
    }

    @Test
    void ipv6HostsAreOneHostWhateverTheirSpellingAndShownCanonical() {
        List<String> found = problems(parse("apps/hello/prod.yaml",
                env("/srv/hello", "\"[2001:DB8::1]\", \"[2001:db8:0:0::1]:22\"")), "hello", "prod");

        assertEquals(1, found.size(), () -> "problems: " + found);
        assertTrue(found.get(0).startsWith("apps/hello/prod.yaml:5: hosts[1]:"), found.get(0));
        assertTrue(found.get(0).contains("[2001:db8::1]"), found.get(0));
    }

    @Test
    void anIpv6HostWithoutBracketsOrWithAZoneIsAProblemOnItsLine() {
        assertEquals(List.of("apps/hello/prod.yaml:5: hosts[0]: an IPv6 address must be in brackets, as"
                + " [2001:db8::1] or [2001:db8::1]:2222: 2001:db8::1"),
                problems(parse("apps/hello/prod.yaml", env("/srv/hello", "\"2001:db8::1\"")), "hello", "prod"));
        assertEquals(List.of("apps/hello/prod.yaml:5: hosts[0]: an IPv6 address with a zone id (%...) cannot be a"
                + " host: fe80::1%eth0"),
                problems(parse("apps/hello/prod.yaml", env("/srv/hello", "\"[fe80::1%eth0]\"")), "hello", "prod"));
    }

    @Test
    void theSourcePolicyRefusesDotSegmentsThatLeaveThePrefix() {
        Policy policy = Policy.of(Map.of("sources", "ssh://git@git.example.com/apps/"));
        String yaml = env("/srv/hello", "web1").replace("/srv/git/hello.git",
                "ssh://git@git.example.com/apps/../secret/x.git");

        assertEquals(List.of("apps/hello/prod.yaml:1: source: must not hold . or .. segments or %-escapes while"
                + " trueup.policy.sources is set: they could lead out of an allowed prefix"),
                problems(parse(policy, "apps/hello/prod.yaml", yaml), "hello", "prod"));
    }

    @Test
    void thePathPolicyComparesWholeSegments() {
        Policy policy = Policy.of(Map.of("paths", "/srv/apps"));

        spec(parse(policy, "apps/hello/prod.yaml", env("/srv/apps/hello", "web1")), "hello", "prod");
        assertEquals(1, problems(parse(policy, "apps/hello/prod.yaml", env("/srv/apps-evil/hello", "web1")), "hello",
                "prod").size());
    }

    @Test
    void anUnknownPolicyKeyIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Policy.of(Map.of("user", "web")));

        assertEquals("trueup.policy.user is not a policy key; they are trueup.policy.hosts, trueup.policy.paths,"
                + " trueup.policy.sources, trueup.policy.users", e.getMessage());
    }
}
