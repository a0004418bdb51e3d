package io.trueup.desired;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValueRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"/srv/hello", "srv/hello", "hello", "/opt/app-1.2_x", ".hidden/app"})
    void acceptsAbsoluteAndHomeRelativeHostPaths(String path) {
        assertEquals(path, ValueRules.hostPath(path));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/srv/hello'; rm -rf ~; '", "/srv/$(id)", "/srv/`id`", "/srv/a b", "/srv/a\nb",
        "~/hello", "/srv/*", "/srv/hello;id", "/srv/\"x\"", "/srv/x\\y"})
    void rejectsPathThatCouldEscapeQuoting(String path) {
        assertThrows(IllegalArgumentException.class, () -> ValueRules.hostPath(path));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "", "-rf", "/srv/../etc", "../hello", "/srv/./hello", "/srv//hello", "/srv/hello/"})
    void rejectsPathThatIsEmptyOrCouldLeaveItsDirectory(String path) {
        assertThrows(IllegalArgumentException.class, () -> ValueRules.hostPath(path));
    }

    @Test
    void rejectsPathLongerThan255Characters() {
        assertEquals("/" + "a".repeat(254), ValueRules.hostPath("/" + "a".repeat(254)));
        var e = assertThrows(IllegalArgumentException.class, () -> ValueRules.hostPath("/" + "a".repeat(255)));
        assertEquals("must be at most 255 characters", e.getMessage());
    }

    @Test
    void explainsWhichSegmentHoldsAForbiddenCharacter() {
        var e = assertThrows(IllegalArgumentException.class, () -> ValueRules.hostPath("/srv/hello$x/app"));
        assertEquals("\"hello$x\" may hold only letters, digits, ., _ and -", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/requirements.txt", "../requirements.txt", "reqs/../../x", "-r"})
    void rejectsRepoPathsOutsideTheRepository(String path) {
        assertThrows(IllegalArgumentException.class, () -> ValueRules.repoPath(path));
    }

    @Test
    void acceptsRepoPathsInsideTheRepository() {
        assertEquals("requirements/prod.txt", ValueRules.repoPath("requirements/prod.txt"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"deploy", "_svc", "app-1", "a2345678901234567890123456789012"})
    void acceptsLoginNamesOfUpTo32Characters(String user) {
        assertEquals(user, ValueRules.user(user));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Root", "1deploy", "-deploy", "de ploy", "root@host", "", "a23456789012345678901234567890123"})
    void rejectsUserNamesThatAreNotLoginNames(String user) {
        assertThrows(IllegalArgumentException.class, () -> ValueRules.user(user));
    }

    @ParameterizedTest
    @ValueSource(strings = {"python3", "python3.12", "/usr/bin/python3", "/opt/py-3.12/bin/python"})
    void acceptsPythonAsCommandNameOrAbsolutePath(String python) {
        assertEquals(python, ValueRules.python(python));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bin/python3", "-c", "..", "python3 -I", "/usr/../bin/python", "python3;id"})
    void rejectsPythonThatIsNeitherCommandNameNorAbsolutePath(String python) {
        assertThrows(IllegalArgumentException.class, () -> ValueRules.python(python));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/srv/git/hello.git", "file:///srv/git/hello.git", "ssh://git@git.example.com/hello.git",
        "ssh://git.example.com:2222/team/hello.git", "git@github.com:team/hello.git",
        "https://git.example.com/team/hello.git", "https://git.example.com:8443/hello", "https://[::1]:8443/hello.git"})
    void acceptsGitSources(String source) {
        assertEquals(source, ValueRules.source(source));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-uhello", "hello.git", "http://example.com/hello.git", "https://example.com",
        "https://example.com/", "https://example.com/a b.git", "https:///hello.git", "https://example.com/a.git?x=1",
        "ssh://-oProxyCommand=id/x",
        "git@-oProxyCommand=id:x", "ext::sh -c id", "git@host::x", "/srv/git/hello world.git", "file://",
        "ssh://git@host"})
    void rejectsSourcesThatAreNotSupportedGitUrlsOrCouldBeOptions(String source) {
        assertThrows(IllegalArgumentException.class, () -> ValueRules.source(source));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://deploy:s3cret@git.example.com/hello.git", "https://TOKEN@git.example.com/hello.git",
        "HTTPS://user:pw@git.example.com/hello.git"})
    void refusesCredentialsInAnHttpsSourceWithoutShowingThem(String source) {
        var e = assertThrows(IllegalArgumentException.class, () -> ValueRules.source(source));
        assertTrue(e.getMessage().contains("git-credentials"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret") || e.getMessage().contains("TOKEN"), e.getMessage());
    }

    @Test
    void refusesPlainHttpSourcesSayingWhy() {
        var e = assertThrows(IllegalArgumentException.class, () -> ValueRules.source("http://git.example.com/a.git"));
        assertTrue(e.getMessage().contains("in the clear"), e.getMessage());
    }

    @Test
    void acceptsAnyOneLineShellCommand() {
        String command = "sudo systemctl restart hello && curl -fsS 'http://localhost:8000/' | grep -q ok\t# done";
        assertEquals(command, ValueRules.shellCommand(command));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "restart\nrm -rf /", "restart\u0000", "restart\r", "x\u001b[2J"})
    void rejectsEmptyShellCommandsAndControlCharacters(String command) {
        assertThrows(IllegalArgumentException.class, () -> ValueRules.shellCommand(command));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://{host}:8000/healthz", "https://{host}/health?deep=1", "http://{host}"})
    void acceptsHttpUrlsWithHostPlaceholder(String url) {
        assertEquals(url, ValueRules.httpUrl(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ftp://{host}/", "{host}:8000", "http:///healthz", "http://{host}/a b", "http://{hst}/"})
    void rejectsUrlsThatAreNotHttp(String url) {
        assertThrows(IllegalArgumentException.class, () -> ValueRules.httpUrl(url));
    }

    @Test
    void readsDurationsInMillisecondsSecondsMinutesAndHours() {
        assertEquals(Duration.ofMillis(500), ValueRules.duration("500ms"));
        assertEquals(Duration.ofSeconds(30), ValueRules.duration("30s"));
        assertEquals(Duration.ofMinutes(2), ValueRules.duration("2m"));
        assertEquals(Duration.ofHours(1), ValueRules.duration("1h"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "30", "-1s", "1.5s", "30 s", "1d", "PT30S"})
    void rejectsDurationsThatAreNotPositiveOrNotInTheFormat(String text) {
        assertThrows(IllegalArgumentException.class, () -> ValueRules.duration(text));
    }

    @Test
    void keepsAtLeastTwoReleases() {
        assertEquals(2, ValueRules.keep("2"));
        assertThrows(IllegalArgumentException.class, () -> ValueRules.keep("1"));
        assertThrows(IllegalArgumentException.class, () -> ValueRules.keep("-5"));
        assertThrows(IllegalArgumentException.class, () -> ValueRules.keep("99999999999"));
    }
}
