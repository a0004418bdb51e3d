package io.trueup.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class GitCredentialsTest {

    private static final GitCredentials FILE = GitCredentials.parse("""
            # comment

            https://host-user:host-pw@git.example.com
            https://team-user:team-pw@git.example.com/team
            https://app-user:app%40pw@git.example.com/team/app.git
            https://port-user:port-pw@git.example.com:8443/
            https://v6-user:v6-pw@[2001:db8::1]/x
            """, "git-credentials");

    @Test
    void theLongestPathPrefixOfTheSameHostAndPortWinsSegmentBySegment() {
        assertEquals("app-user", user("https://git.example.com/team/app.git"));
        assertEquals("team-user", user("https://git.example.com/team/other.git"));
        assertEquals("host-user", user("https://git.example.com/teamx/app.git"));
        assertEquals("host-user", user("https://GIT.example.com:443/x.git"));
        assertEquals("port-user", user("https://git.example.com:8443/team/app.git"));
        assertEquals("v6-user", user("https://[2001:db8::1]/x/y.git"));
    }

    @Test
    void noLineServesAnotherHostAnotherSchemeOrAUrlThatHasItsOwnUser() {
        assertEquals(Optional.empty(), FILE.loginFor("https://other.example.com/team/app.git"));
        assertEquals(Optional.empty(), FILE.loginFor("http://git.example.com/team/app.git"));
        assertEquals(Optional.empty(), FILE.loginFor("https://someone@git.example.com/team/app.git"));
        assertEquals(Optional.empty(), FILE.loginFor("https://[2001:db8::1]/y.git"));
    }

    @Test
    void aUrlWhosePathClimbsOutOfAPrefixGetsNoLoginOfIt() {
        assertEquals(Optional.empty(), FILE.loginFor("https://git.example.com/team/../other/app.git"));
        assertEquals(Optional.empty(), FILE.loginFor("https://git.example.com/team/%2E%2e/other/app.git"));
        assertEquals(Optional.empty(), FILE.loginFor("https://git.example.com/team/./app.git"));
        assertEquals("team-user", user("https://git.example.com/team/..app.git"), "a name with dots is no dot segment");
    }

    @Test
    void userAndPasswordArePercentDecodedAndNeverShown() {
        GitCredentials.Login login = FILE.loginFor("https://git.example.com/team/app.git").orElseThrow();
        assertEquals("app@pw", login.password());
        assertFalse(login.toString().contains("app"), login.toString());
    }

    @Test
    void aLineWithoutUserAndPasswordIsRefusedByItsNumberOnly() {
        GitException e = assertThrows(GitException.class, () -> GitCredentials.parse(
                "https://a:b@h\nhttps://token-only-secret@h\n", "git-credentials"));
        assertEquals("git-credentials line 2 is not https://user:password@host[:port][/path] (its text is not"
                + " shown: it holds a secret)", e.getMessage());
    }

    private static String user(String url) {
        return FILE.loginFor(url).map(GitCredentials.Login::user).orElse("(none)");
    }
}
