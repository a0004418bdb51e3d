package io.trueup.desired;

import static io.trueup.desired.DesiredFiles.APP_YAML;
import static io.trueup.desired.DesiredFiles.ENV_YAML;
import static io.trueup.desired.DesiredFiles.problems;
import static io.trueup.desired.DesiredFiles.spec;
import static io.trueup.desired.DesiredFiles.stateProblems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Files the reader refused (too large, symbolic links) and YAML that would make much work of little input. */
@Timeout(30)
class RefusedFilesTest {

    private static final String TOO_LARGE = FileLimits.tooLargeReason(62_914_560);
    private static final String LINK = FileLimits.symbolicLinkReason();
    private static final String CONFIG = "config:\n  - {template: settings.tmpl, dest: settings.py}\n";

    @Test
    void anEnvironmentFileTooLargeIsInvalidNamingItsSizeAndTheLimitWhileOtherAppsStayValid() {
        DesiredState state = DesiredFiles.with("apps/hello/app.yaml", APP_YAML)
                .refused("apps/hello/production.yaml", TOO_LARGE)
                .and("apps/other/app.yaml", APP_YAML.replace("hello", "other"))
                .and("apps/other/production.yaml", ENV_YAML)
                .parse();

        assertEquals(List.of("apps/hello/production.yaml: is 62914560 bytes, more than the 1048576 bytes (1 MiB)"
                + " trueup reads of a desired-state file: keep data out of apps/"), problems(state, "hello", "production"));
        assertEquals("apps/other/production.yaml", spec(state, "other", "production").file());
    }

    @Test
    void aTemplateTooLargeMakesInvalidOnlyTheEnvironmentsWhoseConfigNamesIt() {
        DesiredState state = DesiredFiles.with("apps/hello/app.yaml", APP_YAML)
                .and("apps/hello/production.yaml", ENV_YAML + CONFIG)
                .and("apps/hello/staging.yaml", ENV_YAML)
                .refused("apps/hello/settings.tmpl", TOO_LARGE)
                .refused("apps/hello/data.bin", TOO_LARGE)
                .parse();

        assertEquals(List.of("apps/hello/settings.tmpl: " + TOO_LARGE), problems(state, "hello", "production"));
        assertEquals("apps/hello/staging.yaml", spec(state, "hello", "staging").file());
        assertEquals(List.of(), stateProblems(state));
    }

    @Test
    void aSymbolicLinkInAnAppsDirectoryMakesEachOfItsEnvironmentsInvalid() {
        DesiredState state = DesiredFiles.with("apps/hello/app.yaml", APP_YAML)
                .and("apps/hello/production.yaml", ENV_YAML)
                .refused("apps/hello/staging.yaml", LINK)
                .refused("apps/hello/notes.txt", LINK)
                .refused("apps/linked.yaml", LINK)
                .parse();

        assertEquals(List.of("apps/hello/notes.txt: " + LINK), problems(state, "hello", "production"));
        assertEquals(List.of("apps/hello/staging.yaml: " + LINK, "apps/hello/notes.txt: " + LINK),
                problems(state, "hello", "staging"));
        assertEquals(List.of("apps/linked.yaml: " + LINK + "; not read: trueup reads only apps/<app>/app.yaml and"
                + " apps/<app>/<env>.yaml"), stateProblems(state));
    }

    @Test
    void aSmallFileOfNestedAliasesIsRefusedNotExpanded() {
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            String previous = "*" + (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [").append(String.join(", ",
                    java.util.Collections.nCopies(10, previous))).append("]\n");
        }

        List<String> problems = problems(DesiredFiles.with("apps/hello/production.yaml", ENV_YAML + bomb).parse(),
                "hello", "production");

        assertEquals("apps/hello/production.yaml:5: b[0]: YAML aliases (*a) are not supported; write the value out",
                problems.getFirst());
        assertEquals(90, problems.size(), "one problem per alias written, none per alias expanded");
    }

    @Test
    void aSmallFileNestedDeeperThanDesiredStateIsRefused() {
        String deep = "vars:\n  x: " + "[".repeat(5000) + "]".repeat(5000) + "\n";

        List<String> problems = problems(DesiredFiles.with("apps/hello/production.yaml", ENV_YAML + deep).parse(),
                "hello", "production");

        assertEquals(1, problems.size(), problems::toString);
        assertEquals(true, problems.getFirst().contains("nesting depth"), problems::toString);
    }
}
