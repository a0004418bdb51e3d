package io.trueup.git;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RedactedUrlTest {

    @Test
    void aPasswordOrTokenInTheUrlIsNotShown() {
        assertAll(
                () -> assertEquals("https://deploy:***@git.example.com/desired-state.git",
                        RedactedUrl.of("https://deploy:ghp_s3cret@git.example.com/desired-state.git")),
                () -> assertEquals("https://***@github.com/acme/desired-state.git",
                        RedactedUrl.of("https://ghp_s3cret@github.com/acme/desired-state.git")),
                () -> assertEquals("ssh://git:***@git.example.com/desired-state.git",
                        RedactedUrl.of("ssh://git:hunter2@git.example.com/desired-state.git")));
    }

    @Test
    void urlsWithoutSecretsAreShownAsTheyAre() {
        assertAll(
                () -> assertEquals("ssh://git@git.example.com/desired-state.git",
                        RedactedUrl.of("ssh://git@git.example.com/desired-state.git")),
                () -> assertEquals("git@git.example.com:desired-state.git",
                        RedactedUrl.of("git@git.example.com:desired-state.git")),
                () -> assertEquals("https://git.example.com/a@b.git", RedactedUrl.of("https://git.example.com/a@b.git")),
                () -> assertEquals("/srv/git/desired-state", RedactedUrl.of("/srv/git/desired-state")),
                () -> assertEquals("file:///srv/git/desired-state", RedactedUrl.of("file:///srv/git/desired-state")));
    }

    @Test
    void anErrorMessageLosesEverySecretOfTheUrl() {
        String url = "https://deploy:s3cr%40t@git.example.com/ds.git";

        String message = RedactedUrl.scrub("https://deploy@git.example.com/ds.git: not authorized (s3cr@t, " + url
                + ")", url);

        assertEquals("https://deploy@git.example.com/ds.git: not authorized (***, "
                + "https://deploy:***@git.example.com/ds.git)", message);
    }
}
