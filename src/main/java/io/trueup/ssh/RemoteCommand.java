package io.trueup.ssh;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A command for a host: a fixed POSIX shell script and the arguments it takes as {@code $1},
 * {@code $2}, .... It renders as {@code sh -c <script> trueup-<name> <args...>}, every word
 * quoted by {@link Shell#quote}, so arguments are data to the script and never shell code.
 *
 * @param name a short name of the step, used in {@code $0} and in error messages
 * @param script the script text
 * @param args the script's positional arguments
 */
public record RemoteCommand(String name, String script, List<String> args) {

    public RemoteCommand {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(script, "script");
        args = List.copyOf(args);
    }

    public static RemoteCommand of(String name, String script, String... args) {
        return new RemoteCommand(name, script, List.of(args));
    }

    /** The command line to send to the host's login shell. */
    public String render() {
        List<String> words = new ArrayList<>(args.size() + 4);
        words.add("sh");
        words.add("-c");
        words.add(script);
        words.add("trueup-" + name);
        words.addAll(args);
        return Shell.join(words);
    }
}
