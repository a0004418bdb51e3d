package io.trueup.cli;

import io.trueup.desired.DesiredEntry;
import io.trueup.desired.DesiredState;
import io.trueup.desired.DesiredStateParser;
import io.trueup.desired.Problem;
import io.trueup.git.LocalRevisions;
import io.trueup.git.SignedCommits;
import io.trueup.git.Snapshot;
import io.trueup.render.ConfigRenderer;
import io.trueup.render.MaskedSecrets;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code plan --base REV --head REV}: what merging a desired-state change would make trueup
 * do, read from two revisions of a local desired-state repository. App commits between the
 * old and new SHAs are listed when the app repository can be reached, and the lines of rendered
 * config files that change, per host, with every secret masked. Exit status 1 only when the head
 * revision is invalid (with {@code --policy}, also where it is outside that policy; with
 * {@code --verify}, also when it is not signed as {@link VerifyOption} requires).
 */
final class PlanCommand {

    static final Set<String> OPTIONS = Stream.concat(Stream.of("base", "head", "repo", "dir", "user", "identity",
            "known-hosts", "policy"), VerifyOption.OPTIONS.stream()).collect(Collectors.toUnmodifiableSet());

    private final Clock clock;

    PlanCommand(Clock clock) {
        this.clock = clock;
    }

    int run(Args args, PrintStream out) {
        args.noPositional();
        String baseRev = args.required("base");
        String headRev = args.required("head");
        String user = args.option("user").orElse("deploy");
        DesiredStateParser parser = new DesiredStateParser(PolicyFile.of(args));
        SignedCommits signed = VerifyOption.of(args, clock);
        DesiredState base;
        DesiredState head;
        boolean trusted;
        try (LocalRevisions revisions = LocalRevisions.open(Path.of(args.option("repo").orElse(".")),
                args.option("dir"))) {
            base = parse(parser, revisions.read(baseRev), user);
            head = parse(parser, revisions.read(headRev), user);
            trusted = VerifyOption.accepts(signed, revisions, headRev, out);
        }
        List<EnvChange> changes = EnvChange.between(base, head);
        List<String> lines;
        try (AppRepos repos = AppRepos.open(args, clock)) {
            lines = PlanReport.lines(base.revision(), head.revision(), changes, head.problems(),
                    (from, to) -> repos.between(to.id().app(), to.source(), from.sha(), to.sha()));
        }
        lines.forEach(line -> out.println(Printable.escape(line)));
        return invalid(head) || !trusted ? 1 : 0;
    }

    /** The desired state of {@code snapshot}, each config rendered with its secrets masked: a plan shows none. */
    private static DesiredState parse(DesiredStateParser parser, Snapshot snapshot, String user) {
        return Renderings.of(parser.parse(snapshot.revision(), snapshot.files(), snapshot.refused(), user),
                snapshot.files(),
                new ConfigRenderer(new MaskedSecrets()));
    }

    private static boolean invalid(DesiredState head) {
        List<Problem> problems = head.problems();
        return !problems.isEmpty() || head.entries().values().stream().anyMatch(DesiredEntry.Invalid.class::isInstance);
    }
}
