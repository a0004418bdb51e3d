package io.trueup.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The arguments of one command: its positional arguments and its options, each
 * {@code --name value} or {@code --name=value}, each given at most once. Immutable.
 *
 * @param positional the arguments that are not options, in order
 * @param options option values by name (without the dashes)
 */
record Args(List<String> positional, Map<String, String> options) {

    Args {
        positional = List.copyOf(positional);
        options = Map.copyOf(options);
    }

    /**
     * Parses {@code args}, accepting only the options named in {@code known}.
     *
     * @throws UsageException for an unknown or repeated option, or one without a value
     */
    static Args parse(List<String> args, Set<String> known) {
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                positional.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String name = arg.substring(2, eq < 0 ? arg.length() : eq);
            if (!known.contains(name)) {
                throw new UsageException("unknown option --" + name);
            }
            if (eq < 0 && (i + 1 == args.size() || args.get(i + 1).startsWith("--"))) {
                throw new UsageException("option --" + name + " needs a value");
            }
            String value = eq < 0 ? args.get(++i) : arg.substring(eq + 1);
            if (options.put(name, value) != null) {
                throw new UsageException("option --" + name + " is given twice");
            }
        }
        return new Args(positional, options);
    }

    Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    /** The value of option {@code name}, which the command cannot do without. */
    String required(String name) {
        return option(name).orElseThrow(() -> new UsageException("option --" + name + " is required"));
    }

    /** The only positional argument, which the command cannot do without; {@code what} names it. */
    String single(String what) {
        if (positional.size() != 1) {
            throw new UsageException(positional.isEmpty() ? what + " is required"
                    : "unexpected argument " + positional.get(positional.size() - 1));
        }
        return positional.getFirst();
    }

    /** Fails when there is any positional argument. */
    void noPositional() {
        if (!positional.isEmpty()) {
            throw new UsageException("unexpected argument " + positional.getFirst());
        }
    }
}
