package io.trueup.ssh;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A command for a host: a fixed POSIX shell script and the arguments it takes as {@code $1},
 * {@code $2}, .... It renders as {@code [NAME=value...] sh -c <script> trueup-<name> <args...>}, every word
 * and value quoted by {@link Shell#quote}, so arguments are data to the script and never shell code.
 *
 * @param name a short name of the step, used in {@code $0} and in error messages
 * @param script the script text
 * @param args the script's positional arguments
 * @param env environment variables for the script, passed as {@code NAME=value} before {@code sh}
 * @param input what the command reads first on its stdin: data that must not be seen on a host's
 *     command line (rendered config with secrets); written as the command starts
 */
public record RemoteCommand(String name, String script, List<String> args, Map<String, String> env, Input input) {

    /** Bytes for a command's stdin; never shown ({@link #toString} gives only their length). */
    public record Input(byte[] bytes) {
        public static final Input NONE = new Input(new byte[0]);

        public Input {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        public boolean isEmpty() {
            return bytes.length == 0;
        }

        /** These bytes followed by {@code more}. */
        public Input then(Input more) {
            byte[] all = java.util.Arrays.copyOf(bytes, bytes.length + more.bytes.length);
            System.arraycopy(more.bytes, 0, all, bytes.length, more.bytes.length);
            return new Input(all);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Input other && java.util.Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return bytes.length + " bytes";
        }
    }

    private static final Pattern ENV_NAME = Pattern.compile("[A-Z_][A-Z0-9_]*");

    public RemoteCommand {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(script, "script");
        args = List.copyOf(args);
        env = new TreeMap<>(env);
        env.keySet().forEach(k -> {
            if (!ENV_NAME.matcher(k).matches()) {
                throw new IllegalArgumentException("not an environment variable name: " + k);
            }
        });
        env = java.util.Collections.unmodifiableMap(env);
        Objects.requireNonNull(input, "input");
    }

    public RemoteCommand(String name, String script, List<String> args) {
        this(name, script, args, Map.of(), Input.NONE);
    }

    /** The same command with {@code more} environment variables. */
    public RemoteCommand withEnv(Map<String, String> more) {
        Map<String, String> all = new TreeMap<>(env);
        all.putAll(more);
        return new RemoteCommand(name, script, args, all, input);
    }

    /** The same command reading {@code bytes} on its stdin first. */
    public RemoteCommand withInput(Input bytes) {
        return new RemoteCommand(name, script, args, env, bytes);
    }

    public static RemoteCommand of(String name, String script, String... args) {
        return new RemoteCommand(name, script, List.of(args));
    }

    /**
     * The command line to send to the host's login shell. The variables are assignments before
     * {@code sh} (POSIX shell grammar; no {@code env} process): each name is checked, each value
     * quoted.
     */
    public String render() {
        StringBuilder line = new StringBuilder();
        env.forEach((k, v) -> line.append(k).append('=').append(Shell.quote(v)).append(' '));
        List<String> words = new ArrayList<>(args.size() + 4);
        words.add("sh");
        words.add("-c");
        words.add(script);
        words.add("trueup-" + name);
        words.addAll(args);
        return line.append(Shell.join(words)).toString();
    }
}
