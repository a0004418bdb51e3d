package io.trueup.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trueup.ssh.SshTarget;
import org.junit.jupiter.api.Test;

class RemoteRepoUriTest {

    private static final SshTarget HOST = new SshTarget("web1.example", 2222, "deploy");

    @Test
    void keepsAnAbsolutePath() {
        assertEquals("ssh://deploy@web1.example:2222/srv/hello/repo.git",
                RemoteRepoUri.of(HOST, "/srv/hello/repo.git").toString());
    }

    @Test
    void putsAnIpv6HostInBrackets() {
        var uri = RemoteRepoUri.of(new SshTarget("2001:db8::1", 2222, "deploy"), "/srv/hello/repo.git");

        assertEquals("ssh://deploy@[2001:db8::1]:2222/srv/hello/repo.git", uri.toString());
        assertEquals("2001:db8::1", RemoteRepoUri.host(uri));
    }

    @Test
    void putsAHomeRelativePathUnderTilde() {
        assertEquals("/~/hello/repo.git", RemoteRepoUri.of(HOST, "hello/repo.git").getPath());
        assertEquals("/~/hello/repo.git", RemoteRepoUri.of(HOST, "~/hello/repo.git").getPath());
    }

    @Test
    void refusesAnEmptyPathOrOneWithControlCharacters() {
        assertThrows(IllegalArgumentException.class, () -> RemoteRepoUri.of(HOST, " "));
        assertThrows(IllegalArgumentException.class, () -> RemoteRepoUri.of(HOST, "hello\n/repo.git"));
    }
}
