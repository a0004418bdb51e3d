package io.trueup.cli;

import io.trueup.TrueupException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;

/**
 * trueup's command line: checks of a desired-state repository for CI. Exit status 0 when the
 * check passes, 1 when it found problems, 2 when it could not run (a wrong command line, a
 * directory or revision that is not there). Each call is independent; safe to call
 * concurrently with other output streams.
 */
public final class Cli {

    static final String USAGE = """
            usage: java -jar quarkus-run.jar                  run the trueup service
                   java -jar quarkus-run.jar validate DIR [--dir SUBDIR] [--user USER] [--secrets-dir DIR]
                                                 [--identity FILE --known-hosts FILE] [--policy FILE]
                                                 [VERIFY]
                   java -jar quarkus-run.jar plan --base REV --head REV [--repo DIR] [--dir SUBDIR]
                                                 [--user USER] [--identity FILE --known-hosts FILE]
                                                 [--policy FILE] [VERIFY]
            VERIFY: --verify ssh --allowed-signers FILE [--revoked-signers FILE] | --verify gpg --gpg-keyring FILE

              validate  check the desired state under DIR/apps (or DIR/SUBDIR/apps): every file
                        parses, each pinned sha and requirementsHash holds in its app repository,
                        and each config renders (with the secrets of --secrets-dir, if given)
              plan      show what merging revision --head over --base would deploy, in the
                        desired-state repository DIR (default: the current directory)
              --policy  apply the trueup.policy.* keys of this properties file (the service's
                        application.properties, say), as the service does
              --verify  refuse the commit checked (validate: DIR's HEAD; plan: --head) unless it is
                        signed as trueup.desired-state.verify requires
            exit status: 0 ok, 1 problems found, 2 the check could not run""";

    private Cli() {
    }

    /** Whether {@code args} ask for a command rather than the service: a first argument not starting with {@code -}. */
    public static boolean isCommand(String... args) {
        return args.length > 0 && !args[0].startsWith("-");
    }

    /** Runs the command in {@code args}, writing its report to {@code out} and errors to {@code err}; returns the exit status. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, out, err, Clock.systemUTC());
    }

    static int run(List<String> args, PrintStream out, PrintStream err, Clock clock) {
        String command = args.isEmpty() ? "" : args.getFirst();
        List<String> rest = args.isEmpty() ? List.of() : args.subList(1, args.size());
        try {
            return switch (command) {
                case "validate" -> new ValidateCommand(clock).run(Args.parse(rest, ValidateCommand.OPTIONS), out);
                case "plan" -> new PlanCommand(clock).run(Args.parse(rest, PlanCommand.OPTIONS), out);
                case "help" -> {
                    out.println(USAGE);
                    yield 0;
                }
                default -> throw new UsageException(command.isEmpty() ? "no command" : "unknown command " + command);
            };
        } catch (UsageException e) {
            err.println("trueup: " + Printable.escape(e.getMessage()));
            err.println(USAGE);
            return 2;
        } catch (TrueupException | IllegalArgumentException e) {
            err.println("trueup " + Printable.escape(command) + ": " + Printable.escape(e.getMessage()));
            return 2;
        } finally {
            out.flush();
        }
    }
}
