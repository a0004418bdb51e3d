package io.trueup.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.List;

/**
 * The entry point of the packaged application ({@code quarkus-run.jar}): with a command
 * ({@code validate}, {@code plan}, {@code help}) it runs that command as a plain Java program
 * (no CDI, no HTTP server, no scheduler, no demo) and exits with its status; with no arguments,
 * or with arguments that start with {@code -}, it starts the trueup service as before.
 */
@QuarkusMain
public final class TrueupMain {

    private TrueupMain() {
    }

    public static void main(String... args) {
        if (Cli.isCommand(args)) {
            System.exit(Cli.run(List.of(args), System.out, System.err));
        }
        Quarkus.run(args);
    }
}
