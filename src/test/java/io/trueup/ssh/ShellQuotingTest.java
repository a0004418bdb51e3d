package io.trueup.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShellQuotingTest {

    @Test
    void leavesPlainWordsAlone() {
        assertEquals("/srv/hello/repo.git", Shell.quote("/srv/hello/repo.git"));
        assertEquals("''", Shell.quote(""));
    }

    @Test
    void refusesNul() {
        assertThrows(IllegalArgumentException.class, () -> Shell.quote("a\0b"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"it's", "$(touch /tmp/pwned)", "`id`", "a b\tc\nd", "; rm -rf /", "\"'\"'", "~root", "*"})
    void anyWordReachesTheScriptVerbatim(String word) throws Exception {
        RemoteCommand echo = RemoteCommand.of("echo", "printf '%s' \"$1\"", word);

        assertEquals(word, run(echo.render()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"it's", "$(touch /tmp/pwned)", "`id`", "a b\tc\nd", "; rm -rf /", "\"'\"'", "~root", "*", ""})
    void anyEnvironmentValueReachesTheScriptVerbatim(String value) throws Exception {
        RemoteCommand echo = RemoteCommand.of("echo", "printf '%s' \"$TRUEUP_X\"").withEnv(java.util.Map.of("TRUEUP_X", value));

        assertEquals(value, run(echo.render()));
    }

    private static String run(String commandLine) throws IOException, InterruptedException {
        Process sh = new ProcessBuilder(List.of("/bin/sh", "-c", commandLine)).redirectErrorStream(true).start();
        String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        sh.waitFor(10, TimeUnit.SECONDS);
        return out;
    }
}
