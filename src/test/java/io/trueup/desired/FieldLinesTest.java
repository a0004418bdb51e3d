package io.trueup.desired;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldLinesTest {

    private static FieldLines index(String yaml) throws Exception {
        return FieldLines.index(yaml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void findsTheLineOfTopLevelAndNestedKeys() throws Exception {
        FieldLines lines = index("""
                # comment
                source: /srv/git/hello.git

                health:
                  http: http://{host}/
                  timeout: 30s
                """);

        assertEquals(2, lines.lineOf("source"));
        assertEquals(4, lines.lineOf("health"));
        assertEquals(5, lines.lineOf("health.http"));
        assertEquals(6, lines.lineOf("health.timeout"));
    }

    @Test
    void findsTheLineOfEachListElement() throws Exception {
        FieldLines lines = index("""
                hosts:
                  - web1
                  - web2
                other: [a, {b: 1}]
                """);

        assertEquals(1, lines.lineOf("hosts"));
        assertEquals(2, lines.lineOf("hosts[0]"));
        assertEquals(3, lines.lineOf("hosts[1]"));
        assertEquals(4, lines.lineOf("other[1].b"));
    }

    @Test
    void answersZeroForPathsTheDocumentDoesNotHold() throws Exception {
        assertEquals(0, index("a: 1\n").lineOf("b"));
    }

    @Test
    void recordsWhereTheDocumentUsesAliases() throws Exception {
        assertEquals(Map.of("b", "x"), index("a: &x 1\nb: *x\n").aliases());
    }
}
