package io.trueup.observe;

import static io.trueup.support.Specs.env;
import static io.trueup.support.Specs.release;
import static io.trueup.support.Specs.sha;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ObservationParserTest {

    @Test
    void readsReleasesEnvsAndTheCurrentReleaseState() {
        String a = sha('a').hex();
        String b = sha('b').hex();
        String report = String.join("\n",
                "base present", "repo yes", "object no",
                "current releases/" + a, "previous releases/" + b,
                "release " + a + " 1700000000 ../../envs/" + env('1').hex(),
                "release " + b + " 0 ../../envs/" + env('2').hex(),
                "release not-a-sha 0 ",
                "env " + env('1').hex(), "partial " + env('2').hex(),
                "leftover releases/.tmp-x-1",
                "head " + a + " " + a, "change " + a + "  M app.py", "");

        Observation seen = ObservationParser.parse(report);

        assertTrue(seen.basePresent());
        assertFalse(seen.commitPresent());
        assertEquals(Optional.of(release('a')), seen.current());
        assertEquals(Optional.of(release('b')), seen.previous());
        assertEquals(Set.of(release('a'), release('b')), seen.releases().keySet());
        assertEquals(1700000000L, seen.releases().get(release('a')).switchedAt());
        assertEquals(Set.of(env('1')), seen.envs());
        assertEquals(Set.of(env('2')), seen.partialEnvs());
        assertEquals(List.of(" M app.py"), seen.check(release('a')).orElseThrow().changes());
        assertFalse(seen.check(release('a')).orElseThrow().pristine());
        assertEquals(List.of("releases/.tmp-x-1"), seen.leftovers());
    }

    @Test
    void aReleasesLinkToAnEnvMayBeSaidByTheEnvsNumber() {
        String a = sha('a').hex();
        String b = sha('b').hex();
        String c = sha('c').hex();
        String d = sha('d').hex();
        String e = sha('e').hex();
        String report = String.join("\n",
                "base present", "repo yes",
                "release " + a + " 1700000000 @1", "release " + b + " 0 @2", "release " + c + " 0 @3",
                "release " + d + " 0 ../../envs/" + env('1').hex(), "release " + e + " 0 ./@1",
                "env " + env('1').hex() + " @1", "env someones-own", "partial " + env('2').hex() + " @2", "");

        Observation seen = ObservationParser.parse(report);

        assertEquals(Optional.of(env('1')), seen.releases().get(release('a')).env(), "said before its env's line");
        assertEquals(Optional.of(env('2')), seen.releases().get(release('b')).env());
        assertEquals(Optional.empty(), seen.releases().get(release('c')).env(), "no env says @3");
        assertEquals(Optional.of(env('1')), seen.releases().get(release('d')).env());
        assertEquals(Optional.empty(), seen.releases().get(release('e')).env(), "someone's own link");
        assertEquals(Set.of(env('1')), seen.envs());
        assertEquals(Set.of(env('2')), seen.partialEnvs());
    }

    @Test
    void aMissingBaseDirectoryIsAnEmptyHost() {
        Observation seen = ObservationParser.parse("base missing\n");

        assertFalse(seen.basePresent());
        assertEquals(Optional.empty(), seen.current());
        assertTrue(seen.releases().isEmpty());
    }

    @Test
    void currentPointingOutsideReleasesIsNoRelease() {
        Observation seen = ObservationParser.parse("base present\ncurrent /tmp/elsewhere\n");

        assertEquals(Optional.empty(), seen.current());
        assertEquals("/tmp/elsewhere", seen.currentLink());
    }
}
