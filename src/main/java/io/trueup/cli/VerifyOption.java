package io.trueup.cli;

import io.trueup.git.LocalRevisions;
import io.trueup.git.SignedCommits;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * The signature check a command from the command line makes of the desired-state commit it
 * reads ({@code --verify ssh|gpg}), with the same rules as the service's
 * {@code trueup.desired-state.verify}: {@code --allowed-signers FILE} and optionally
 * {@code --revoked-signers FILE} for {@code ssh}, {@code --gpg-keyring FILE} for {@code gpg}.
 * Without {@code --verify}, nothing is checked.
 */
final class VerifyOption {

    /** The options it reads. */
    static final Set<String> OPTIONS = Set.of("verify", "allowed-signers", "revoked-signers", "gpg-keyring");

    private VerifyOption() {
    }

    /** The check {@code args} ask for, or {@link SignedCommits#none()} without {@code --verify}. */
    static SignedCommits of(Args args, Clock clock) {
        String verify = args.option("verify").orElse("none");
        if (!verify.equals("ssh") && (args.option("allowed-signers").isPresent()
                || args.option("revoked-signers").isPresent())) {
            throw new UsageException("--allowed-signers and --revoked-signers need --verify ssh");
        }
        if (!verify.equals("gpg") && args.option("gpg-keyring").isPresent()) {
            throw new UsageException("--gpg-keyring needs --verify gpg");
        }
        return switch (verify) {
            case "none" -> SignedCommits.none();
            case "ssh" -> SignedCommits.ssh(file(args, "allowed-signers", true).orElseThrow(),
                    file(args, "revoked-signers", false));
            case "gpg" -> SignedCommits.gpg(file(args, "gpg-keyring", true).orElseThrow(), clock);
            default -> throw new UsageException("--verify: " + verify + " is not ssh, gpg or none");
        };
    }

    /**
     * Checks {@code revision} of {@code revisions} with {@code signed}, printing why it is refused
     * to {@code out}; returns whether it is accepted.
     */
    static boolean accepts(SignedCommits signed, LocalRevisions revisions, String revision, PrintStream out) {
        if (!signed.required()) {
            return true;
        }
        Optional<String> untrusted = revisions.untrusted(revision, signed);
        untrusted.ifPresent(why -> out.println(Printable.escape(why)));
        return untrusted.isEmpty();
    }

    private static Optional<Path> file(Args args, String option, boolean needed) {
        Optional<Path> file = needed ? Optional.of(Path.of(args.required(option))) : args.option(option).map(Path::of);
        file.filter(f -> !Files.isRegularFile(f) || !Files.isReadable(f)).ifPresent(f -> {
            throw new UsageException("--" + option + ": cannot read " + f + " (not a readable file)");
        });
        return file;
    }
}
