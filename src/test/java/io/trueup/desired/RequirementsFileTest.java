package io.trueup.desired;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A requirements file asks pip for what the wheelhouse holds, and nothing that pip would fetch elsewhere. */
class RequirementsFileTest {

    private static List<String> refusals(String content) {
        return RequirementsFile.refusals(content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acceptsPinnedRequirementsCommentsHashesAndMarkers() {
        assertEquals(List.of(), refusals("""
                # web
                Django==5.0.1  # the framework
                greeting==1.0 --hash=sha256:0123abcd
                tomli>=2.0; python_version < "3.11"
                --no-index
                --require-hashes

                """));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-i http://pypi.internal/simple", "--index-url=http://pypi.internal/simple",
            "--extra-index-url http://pypi.internal/simple", "-f http://169.254.169.254/", "-f ./elsewhere",
            "--find-links http://evil.example.com/", "--find-links=/tmp/wheels", "-r other.txt", "-c constraints.txt",
            "-e git+https://github.com/x/y.git#egg=y", "--trusted-host pypi.internal"})
    void refusesPipOptions(String line) {
        List<String> found = refusals("greeting==1.0\n" + line + "\n");

        assertEquals(1, found.size(), found::toString);
        assertEquals(true, found.getFirst().startsWith("line 2: " + line + ": pip option -"), found::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"greeting @ http://169.254.169.254/greeting-1.0.whl",
            "greeting@https://evil.example.com/greeting-1.0.whl", "greeting @ file:///tmp/greeting-1.0.whl",
            "git+https://github.com/x/greeting.git", "https://evil.example.com/greeting-1.0.whl",
            "greeting[extra] @ file:wheels/greeting.whl ; python_version > '3'"})
    void refusesUrls(String line) {
        assertEquals(List.of("line 1: " + line + ": a URL, which pip would fetch despite --no-index; build a wheel of"
                + " it into the wheelhouse and require it by name"), refusals(line + "\n"));
    }

    @Test
    void readsContinuedLinesAsPipDoes() {
        assertEquals(List.of("line 2: greeting  @ http://evil.example.com/g.whl: a URL, which pip would fetch despite"
                + " --no-index; build a wheel of it into the wheelhouse and require it by name"),
                refusals("Django==5.0.1\ngreeting \\\n@ http://evil.example.com/g.whl\n"));
    }
}
