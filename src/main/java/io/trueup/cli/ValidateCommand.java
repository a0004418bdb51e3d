package io.trueup.cli;

import io.trueup.desired.AppSpec;
import io.trueup.desired.DesiredEntry;
import io.trueup.desired.DesiredState;
import io.trueup.desired.DesiredStateParser;
import io.trueup.desired.Problem;
import io.trueup.git.LocalRevisions;
import io.trueup.git.SignedCommits;
import io.trueup.git.Snapshot;
import io.trueup.reconcile.MirrorSourceCheck;
import io.trueup.render.ConfigRenderer;
import io.trueup.render.MaskedSecrets;
import io.trueup.render.SecretSource;
import io.trueup.render.SecretsDir;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code validate DIR}: the checks trueup makes of a new desired-state commit, made on a
 * checked-out directory before the commit is merged. Every file under {@code apps/} is parsed
 * and validated; each valid entry is checked against its app repository (the pinned SHA is
 * there, the requirements file hashes to {@code requirementsHash}) when that repository can
 * be reached. A repository that cannot be reached is a warning, not a problem. Each config is
 * rendered for each host: its templates parse, and every variable they use is there; so is every
 * secret, when {@code --secrets-dir} names the directory trueup reads them from (without it,
 * secrets are stand-ins). With {@code --policy}, entries outside the {@code trueup.policy.*} of that
 * properties file are problems, as the service finds them. With {@code --verify}, the commit
 * checked out ({@code HEAD} of the repository DIR is in) must be signed as the service's
 * {@code trueup.desired-state.verify} requires ({@link VerifyOption}), and the files checked are
 * those of that commit, not of the working tree, so what is verified is what is validated.
 */
final class ValidateCommand {

    static final Set<String> OPTIONS = Stream.concat(Stream.of("dir", "user", "identity", "known-hosts",
            "secrets-dir", "policy"), VerifyOption.OPTIONS.stream()).collect(Collectors.toUnmodifiableSet());

    private final Clock clock;

    ValidateCommand(Clock clock) {
        this.clock = clock;
    }

    int run(Args args, PrintStream out) {
        Path dir = Path.of(args.single("DIR"));
        Path root = args.option("dir").map(dir::resolve).orElse(dir);
        DesiredStateParser parser = new DesiredStateParser(PolicyFile.of(args));
        SignedCommits signed = VerifyOption.of(args, clock);
        boolean trusted = true;
        Snapshot read;
        if (signed.required()) {
            try (LocalRevisions revisions = LocalRevisions.open(dir, Optional.empty())) {
                trusted = VerifyOption.accepts(signed, revisions, "HEAD", out);
                read = revisions.read("HEAD", root);
            }
        } else {
            DesiredDir tree = DesiredDir.read(root);
            read = new Snapshot("working tree", Instant.EPOCH, tree.files(), tree.refused());
        }
        Map<String, byte[]> files = read.files();
        ConfigRenderer renderer = new ConfigRenderer(args.option("secrets-dir")
                .<SecretSource>map(d -> new SecretsDir(Optional.of(Path.of(d)))).orElseGet(MaskedSecrets::new));
        DesiredState state = Renderings.of(parser.parse(read.revision(), files, read.refused(),
                args.option("user").orElse("deploy")),
                files, renderer);
        List<Finding> findings = new ArrayList<>();
        state.problems().forEach(p -> findings.add(Finding.problem(p)));
        try (AppRepos repos = AppRepos.open(args, clock)) {
            MirrorSourceCheck check = new MirrorSourceCheck(repos.mirrors());
            for (DesiredEntry entry : state.entries().values()) {
                switch (entry) {
                    case DesiredEntry.Invalid invalid -> invalid.problems().forEach(p -> findings.add(Finding.problem(p)));
                    case DesiredEntry.Valid valid -> findings.addAll(checkSource(parser, valid.spec(), files, repos,
                            check));
                }
            }
        }
        ValidateReport.lines(state.entries().size(), findings).forEach(line -> out.println(Printable.escape(line)));
        return trusted ? ValidateReport.exitStatus(findings) : 1;
    }

    /** What the app repository says of {@code spec}; a source that cannot be reached is a warning. */
    private static List<Finding> checkSource(DesiredStateParser parser, AppSpec spec, Map<String, byte[]> files, AppRepos repos,
            MirrorSourceCheck check) {
        Optional<String> skipped = repos.skipped(spec.source());
        if (skipped.isPresent()) {
            return List.of(Finding.warning(parser.problemAt(files, spec, "source", skipped.get())));
        }
        return check.check(spec, files).stream().map(ValidateCommand::finding).toList();
    }

    /** MirrorSourceCheck puts a problem on {@code source} only when it cannot fetch from it. */
    private static Finding finding(Problem problem) {
        if (!problem.field().equals("source")) {
            return Finding.problem(problem);
        }
        return Finding.warning(new Problem(problem.file(), problem.line(), problem.field(),
                problem.message() + "; sha and requirementsHash not checked"));
    }
}
