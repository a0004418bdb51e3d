package io.trueup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.cli.CheckRepos.Result;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CliTest {

    @Test
    void noArgumentsOrOnlyOptionsStartTheServiceAndAWordIsACommand() {
        assertFalse(Cli.isCommand());
        assertFalse(Cli.isCommand("-Dquarkus.profile=demo"));
        assertTrue(Cli.isCommand("validate", "."));
        assertTrue(Cli.isCommand("deploy"));
    }

    @Test
    void anUnknownCommandPrintsUsageOnStderrAndExitsTwo() {
        Result result = CheckRepos.run("deploy", "hello");

        List<String> err = new ArrayList<>(List.of("trueup: unknown command deploy"));
        err.addAll(Cli.USAGE.lines().toList());
        assertEquals(new Result(2, List.of(), err), result);
    }

    @Test
    void helpPrintsUsageOnStdoutAndExitsZero() {
        assertEquals(new Result(0, Cli.USAGE.lines().toList(), List.of()), CheckRepos.run("help"));
    }
}
