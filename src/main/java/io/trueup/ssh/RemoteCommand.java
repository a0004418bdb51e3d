package io.trueup.ssh;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A command for a host: a fixed POSIX shell script and the arguments it takes as {@code $1},
 * {@code $2}, .... It renders as {@code [NAME=value...] sh -c <script> trueup-<name> <args...>}, every word
 * and value quoted by {@link Shell#quote}, so arguments are data to the script and never shell code.
 * The script runs after its {@linkplain Parts parts}, fixed pieces of shell that a {@link KeepingShell}
 * sends to a host once and then runs from the copy kept there; rendered alone ({@link #render}),
 * they come first in the script.
 *
 * @param name a short name of the step, used in {@code $0} and in error messages
 * @param script the script text, run after the parts
 * @param args the script's positional arguments
 * @param env environment variables for the script, passed as {@code NAME=value} before {@code sh}
 * @param input what the command reads first on its stdin: data that must not be seen on a host's
 *     command line (rendered config with secrets); written as the command starts
 * @param parts what runs before the script, and where a host may keep it
 */
public record RemoteCommand(String name, String script, List<String> args, Map<String, String> env, Input input,
        Parts parts) {

    /**
     * A fixed piece of shell, named on a host by the first 16 hex digits of its SHA-256
     * ({@code hash}): the same text has the same name whichever trueup sends it, and a new text a
     * new name. 64 bits are plenty for the few dozen texts a host keeps, and every command that
     * runs kept parts names each of them, so the name is short.
     *
     * @param runs whether the part does its work as it is read (a health command), rather than only
     *     defining functions and variables for the script after it
     */
    public record Part(String text, String hash, boolean runs) {
        public Part {
            Objects.requireNonNull(text);
            if (!hash.equals(name(text))) {
                throw new IllegalArgumentException("a part's name is the start of the SHA-256 of its text");
            }
        }

        /** A part that defines functions and variables for what comes after it. */
        public static Part of(String text) {
            return new Part(text, name(text), false);
        }

        /** A part that does its work as it is read, with the command's arguments. */
        public static Part running(String text) {
            return new Part(text, name(text), true);
        }

        /** The first 16 hex digits of the SHA-256 of {@code text}. */
        private static String name(String text) {
            try {
                return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0, 8);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
        }

        @Override
        public String toString() {
            return "part " + hash;
        }
    }

    /**
     * The parts a command runs, in order, before its script, and where a {@link KeepingShell} may
     * keep them on the host.
     */
    public record Parts(List<Part> list, Optional<Keep> keep) {
        public static final Parts NONE = new Parts(List.of(), Optional.empty());

        public Parts {
            list = List.copyOf(list);
            Objects.requireNonNull(keep);
        }

        /** The parts' texts one after the other: what runs before the script when they are sent whole. */
        String text() {
            StringBuilder text = new StringBuilder();
            list.forEach(part -> text.append(part.text()));
            return text.toString();
        }
    }

    /**
     * Where parts are kept on a host: in directory {@code dir} (relative to the login's home unless
     * absolute), each as a file named by its hash, and only while the first line of file
     * {@code mark} is {@code owner}: in a directory of the command's own, never in another's.
     *
     * @param along parts that a command sending any part sends too, to be kept but not run: those
     *     the host's later commands will run, so that none of them carries a part for its first use
     */
    public record Keep(String dir, String mark, String owner, List<Part> along) {
        public Keep {
            for (String value : List.of(dir, mark, owner)) {
                if (value.isEmpty() || value.indexOf('\n') >= 0) {
                    throw new IllegalArgumentException("not a path or an owner line: " + value);
                }
            }
            along = List.copyOf(along);
        }

        /** Where parts are kept, with none sent along. */
        public Keep(String dir, String mark, String owner) {
            this(dir, mark, owner, List.of());
        }
    }

    /**
     * Bytes for a command's stdin, then, if it has one, a {@linkplain Source stream} written as it
     * is made, never held whole; neither is ever shown ({@link #toString} gives only the bytes'
     * length).
     */
    public record Input(byte[] bytes, java.util.Optional<Source> stream) {
        public static final Input NONE = new Input(new byte[0]);

        public Input {
            bytes = bytes.clone();
            java.util.Objects.requireNonNull(stream);
        }

        public Input(byte[] bytes) {
            this(bytes, java.util.Optional.empty());
        }

        /** Input that is only {@code source}'s stream. */
        public static Input streamed(Source source) {
            return new Input(new byte[0], java.util.Optional.of(source));
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        public boolean isEmpty() {
            return bytes.length == 0 && stream.isEmpty();
        }

        /** This input followed by {@code more}; a stream comes last, so this one has none unless {@code more} is empty. */
        public Input then(Input more) {
            if (more.isEmpty()) {
                return this;
            }
            if (stream.isPresent()) {
                throw new IllegalArgumentException("a command's streamed input comes after all its other input");
            }
            byte[] all = java.util.Arrays.copyOf(bytes, bytes.length + more.bytes.length);
            System.arraycopy(more.bytes, 0, all, bytes.length, more.bytes.length);
            return new Input(all, more.stream);
        }

        /** Writes the bytes and then the stream, if any, to {@code out}. */
        public void writeTo(java.io.OutputStream out) throws java.io.IOException {
            out.write(bytes);
            if (stream.isPresent()) {
                stream.get().writeTo(out);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Input other && java.util.Arrays.equals(bytes, other.bytes)
                    && stream.equals(other.stream);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes) * 31 + stream.hashCode();
        }

        @Override
        public String toString() {
            return bytes.length + " bytes" + (stream.isPresent() ? " and a stream" : "");
        }
    }

    /**
     * What a command reads on its stdin after its bytes, made while it is written: an archive,
     * say. Written once per run of the command, from one thread (a {@link KeepingShell} runs a
     * command a second time when the parts a host was known to keep were gone, so a stream must
     * be one that can be made again); a failure to make it is thrown from {@link #writeTo},
     * and the command's channel is then closed, so the host reads a stream cut short.
     */
    @FunctionalInterface
    public interface Source {
        void writeTo(java.io.OutputStream out) throws java.io.IOException;
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
        Objects.requireNonNull(parts, "parts");
    }

    public RemoteCommand(String name, String script, List<String> args) {
        this(name, script, args, Map.of(), Input.NONE, Parts.NONE);
    }

    /** The same command with {@code more} environment variables. */
    public RemoteCommand withEnv(Map<String, String> more) {
        Map<String, String> all = new TreeMap<>(env);
        all.putAll(more);
        return new RemoteCommand(name, script, args, all, input, parts);
    }

    /** The same command reading {@code bytes} on its stdin first. */
    public RemoteCommand withInput(Input bytes) {
        return new RemoteCommand(name, script, args, env, bytes, parts);
    }

    /** The same command running {@code run} before its script. */
    public RemoteCommand withParts(Parts run) {
        return new RemoteCommand(name, script, args, env, input, run);
    }

    /** The parts' texts, then the script: all that runs when nothing is kept on the host. */
    public String text() {
        return parts.text() + script;
    }

    /** The same command with {@code text} as its whole script, no parts before it: how it runs on a host. */
    RemoteCommand as(String text) {
        return new RemoteCommand(name, text, args, env, input, Parts.NONE);
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
        words.add(text());
        words.add("trueup-" + name);
        words.addAll(args);
        return line.append(Shell.join(words)).toString();
    }
}
