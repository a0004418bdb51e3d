package io.trueup.ssh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link RemoteShell} that sends a command's {@linkplain RemoteCommand.Parts parts} to a host
 * once: a part the host keeps is run from its file there ({@code . <keepIn>/<hash>}), and only the
 * others travel, in the same command, with the parts its {@link RemoteCommand.Keep} sends along
 * that the host is not known to keep either, and keeps them where that {@code Keep} says
 * (on a trueup host, in the base directory's {@code .trueup/scripts}, when {@code .trueup/base}
 * names the command's app/environment). Which parts each host keeps is
 * learnt from what its commands say they kept, never asked for in a command of its own; it is
 * remembered while this shell lives, so after a restart a host's first commands send their parts
 * again (and find them kept, without writing them).
 *
 * <p>A command that finds a part it was told is kept gone (the directory removed, or the host
 * rebuilt at the same address) ends before anything else, saying so; it is then run again at once
 * with every part sent: no command runs twice past its first line. Commands without parts, and
 * {@link #start}, go to the delegate as they are. Safe to call from many threads at once.
 */
public final class KeepingShell implements RemoteShell, AutoCloseable {

    /** The first line of a command's stdout that lists the parts it left kept on the host. */
    static final String KEPT = "trueup-kept";
    /**
     * The only line of a command that found a part gone (or empty) which it was to run from the
     * host's copy.
     */
    static final String GONE = "trueup-parts-gone";
    /** The exit code of such a command. */
    static final int GONE_EXIT = 79;
    private static final String GONE_OR_EXIT = "|| { echo " + GONE + "; exit " + GONE_EXIT + "; }";

    /**
     * Keeps {@code $2}, a part's text, as {@code $trueup_keep_in/$1} unless it is there already,
     * and adds {@code $1} to the list said on stdout. Writes only where the command's mark names
     * its owner ({@code $trueup_ours}), and each file whole or not at all.
     */
    private static final String KEEP = """
            trueup_keep() {
              [ -n "$trueup_ours" ] || return 0
              if [ ! -s "$trueup_keep_in/$1" ]; then
                { { [ -d "$trueup_keep_in" ] || mkdir "$trueup_keep_in"; } &&
                  printf '%s' "$2" > "$trueup_keep_in/.$1.$$" &&
                  mv -f "$trueup_keep_in/.$1.$$" "$trueup_keep_in/$1"; } 2>/dev/null ||
                  { rm -f "$trueup_keep_in/.$1.$$" 2>/dev/null; return 0; }
              fi
              trueup_kept="$trueup_kept $1"
            }
            """;

    private final RemoteShell shell;
    /** The parts each host keeps in each directory, by hash, as its commands said. */
    private final Map<Place, Set<String>> kept = new ConcurrentHashMap<>();

    private record Place(SshTarget target, String dir) {
    }

    public KeepingShell(RemoteShell shell) {
        this.shell = shell;
    }

    @Override
    public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout) {
        return keeping(target, command, timeout, null);
    }

    @Override
    public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout, StdoutListener listener) {
        return keeping(target, command, timeout, listener);
    }

    @Override
    public Process start(SshTarget target, String commandLine) {
        return shell.start(target, commandLine);
    }

    private CommandResult keeping(SshTarget target, RemoteCommand command, Duration timeout,
            StdoutListener listener) {
        RemoteCommand.Parts parts = command.parts();
        if (parts.keep().isEmpty() || parts.list().isEmpty()) {
            return listener == null ? shell.run(target, command, timeout)
                    : shell.run(target, command, timeout, listener);
        }
        Place place = new Place(target, parts.keep().get().dir());
        Set<String> have = Set.copyOf(kept.getOrDefault(place, Set.of()));
        Optional<CommandResult> result = once(target, place, command, have, timeout, listener);
        if (result.isPresent()) {
            return result.get();
        }
        kept.remove(place);
        return once(target, place, command, Set.of(), timeout, listener)
                .orElseThrow(() -> new IllegalStateException("a command that sends every part found one gone"));
    }

    /** Runs {@code command} with the parts in {@code have} run from the host's copies; empty if one was gone. */
    private Optional<CommandResult> once(SshTarget target, Place place, RemoteCommand command, Set<String> have,
            Duration timeout, StdoutListener listener) {
        RemoteCommand sent = command.as(script(command, have));
        Heard heard = new Heard(listener);
        CommandResult result = listener == null ? shell.run(target, sent, timeout)
                : shell.run(target, sent, timeout, heard);
        List<String> lines = List.of(result.stdout().split("\n", 2));
        String first = lines.get(0);
        if (!have.isEmpty() && result.exitCode() == GONE_EXIT && first.equals(GONE)) {
            return Optional.empty();
        }
        if (first.equals(KEPT) || first.startsWith(KEPT + " ")) {
            Set<String> hashes = Set.of(first.substring(KEPT.length()).strip().split(" "));
            Set<String> now = kept.computeIfAbsent(place, p -> ConcurrentHashMap.newKeySet());
            // The part's own string, shared by every host, rather than one read from each host's stdout.
            java.util.stream.Stream.concat(command.parts().list().stream(),
                    command.parts().keep().orElseThrow().along().stream())
                    .filter(p -> hashes.contains(p.hash())).forEach(p -> now.add(p.hash()));
            String rest = lines.size() > 1 ? lines.get(1) : "";
            result = new CommandResult(result.exitCode(), rest, result.stderr(), result.took());
        }
        return Optional.of(result);
    }

    /**
     * The script that runs {@code command}'s parts, those in {@code have} from the host's copies,
     * the others sent in it, kept, and said on stdout's first line, then its script.
     */
    static String script(RemoteCommand command, Set<String> have) {
        RemoteCommand.Parts parts = command.parts();
        RemoteCommand.Keep keep = parts.keep().orElseThrow();
        StringBuilder text = new StringBuilder("trueup_keep_in=").append(Shell.quote(keep.dir())).append('\n');
        List<RemoteCommand.Part> sending = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        List<String> check = new ArrayList<>();
        List<String> defining = new ArrayList<>(); // kept parts in a row that only define: read in one loop
        for (RemoteCommand.Part part : parts.list()) {
            if (have.contains(part.hash())) {
                check.add(part.hash());
                if (part.runs()) {
                    readKept(run, defining);
                    run.append(". \"$trueup_keep_in/").append(part.hash()).append("\"\n");
                } else {
                    defining.add(part.hash());
                }
            } else {
                readKept(run, defining);
                int n = sending.size();
                sending.add(part);
                run.append("eval \"$trueup_part").append(n).append("\"\n");
            }
        }
        if (sending.isEmpty() && run.isEmpty()) {
            // Every part kept, and each only defines: checked and read in one loop, as nothing has run
            // before the first one gone would end the command.
            readKept(run, defining, "[ -s \"$trueup_keep_in/$trueup_p\" ] && ");
            return text.append(run).append(command.script()).toString();
        }
        readKept(run, defining);
        if (!check.isEmpty()) {
            text.append("for trueup_p in ").append(String.join(" ", check))
                    .append("; do [ -s \"$trueup_keep_in/$trueup_p\" ] ").append(GONE_OR_EXIT).append("; done\n");
        }
        if (!sending.isEmpty()) {
            // Kept only where the mark names the owner: the first line, read by the shell.
            text.append("trueup_ours= trueup_mark=\n[ ! -f ").append(Shell.quote(keep.mark()))
                    .append(" ] || { read -r trueup_mark || :; } < ").append(Shell.quote(keep.mark())).append('\n')
                    .append("[ \"$trueup_mark\" != ").append(Shell.quote(keep.owner())).append(" ] || trueup_ours=yes\n");
            text.append(KEEP).append("trueup_kept=\n");
            for (int n = 0; n < sending.size(); n++) {
                text.append("trueup_part").append(n).append('=').append(Shell.quote(sending.get(n).text())).append('\n');
                text.append("trueup_keep ").append(sending.get(n).hash()).append(" \"$trueup_part").append(n)
                        .append("\"\n");
            }
            // Sent along, kept and not run: the host's later commands find them there.
            Set<String> inCommand = new java.util.HashSet<>();
            parts.list().forEach(part -> inCommand.add(part.hash()));
            for (RemoteCommand.Part part : keep.along()) {
                if (!have.contains(part.hash()) && inCommand.add(part.hash())) {
                    text.append("trueup_keep ").append(part.hash()).append(' ').append(Shell.quote(part.text()))
                            .append('\n');
                }
            }
            text.append("[ -z \"$trueup_kept\" ] || echo \"").append(KEPT).append("$trueup_kept\"\n");
        }
        return text.append(run).append(command.script()).toString();
    }

    /**
     * Reads the kept parts in {@code defining}, which only define functions and variables, in one
     * loop; one gone since the check (removed by another trueup's gc) says so too.
     */
    private static void readKept(StringBuilder run, List<String> defining) {
        readKept(run, defining, "");
    }

    /** {@link #readKept(StringBuilder, List)}, each part first checked by {@code check} (shell text). */
    private static void readKept(StringBuilder run, List<String> defining, String check) {
        if (!defining.isEmpty()) {
            run.append("for trueup_p in ").append(String.join(" ", defining)).append("; do ").append(check)
                    .append("command . \"$trueup_keep_in/$trueup_p\" ").append(GONE_OR_EXIT).append("; done\n");
            defining.clear();
        }
    }

    /** Hands the command's stdout to its listener, but the first line when it is this shell's. */
    private static final class Heard implements StdoutListener {
        private final StdoutListener listener;
        private volatile boolean first = true;

        Heard(StdoutListener listener) {
            this.listener = listener;
        }

        @Override
        public Optional<String> hear(String line) {
            boolean ours = first && (line.equals(KEPT) || line.startsWith(KEPT + " ") || line.equals(GONE));
            first = false;
            return ours ? Optional.empty() : listener.hear(line);
        }
    }

    @Override
    public void close() {
        if (shell instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not close the shell", e);
            }
        }
    }
}
