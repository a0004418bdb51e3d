package io.trueup.git;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * Which desired-state commits trueup accepts ({@code trueup.desired-state.verify}): any
 * ({@link #none()}); only those signed by an SSH key of an allowed-signers file that a
 * revocation file does not revoke ({@link #ssh}), as git's {@code gpg.ssh.allowedSignersFile}
 * and {@code gpg.ssh.revocationFile} do; or only those signed by an OpenPGP key of a keyring
 * file, neither revoked nor expired ({@link #gpg}). Each file is read again when it changes, so
 * an added or revoked key counts at the next verification without a restart. Immutable and safe
 * to use from many threads.
 */
public final class SignedCommits {

    /** How one kind of signature is checked: why {@code commit}, signed with {@code signature}, is refused. */
    interface Check {
        Optional<String> refusal(Repository repository, RevCommit commit, byte[] signature);
    }

    private static final byte[] SSH = Constants.SSH_SIGNATURE_PREFIX.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PGP = Constants.GPG_SIGNATURE_PREFIX.getBytes(StandardCharsets.US_ASCII);

    private final String mode;
    private final byte[] prefix;
    private final Optional<Check> check;

    private SignedCommits(String mode, byte[] prefix, Optional<Check> check) {
        this.mode = mode;
        this.prefix = prefix;
        this.check = check;
    }

    /** Every commit is accepted, signed or not. */
    public static SignedCommits none() {
        return new SignedCommits("none", new byte[0], Optional.empty());
    }

    /**
     * Only commits signed by an SSH key of {@code allowedSigners} (git's allowed_signers format)
     * and not revoked by {@code revokedSigners} (an OpenSSH KRL, or public keys one a line; empty
     * or missing, it revokes nothing).
     */
    public static SignedCommits ssh(Path allowedSigners, Optional<Path> revokedSigners) {
        return new SignedCommits("ssh", SSH, Optional.of(new SshSignatureCheck(allowedSigners, revokedSigners)));
    }

    /**
     * Only commits signed by an OpenPGP key of {@code keyring} (public keys, as {@code gpg --export}
     * writes them, binary or armored), neither revoked nor expired at {@code clock}'s now.
     */
    public static SignedCommits gpg(Path keyring, Clock clock) {
        return new SignedCommits("gpg", PGP, Optional.of(new OpenPgpKeyring(keyring, clock)));
    }

    /** Whether a commit must be signed to be accepted. */
    public boolean required() {
        return check.isPresent();
    }

    /** {@code none}, {@code ssh} or {@code gpg}, as {@code trueup.desired-state.verify} names it. */
    public String mode() {
        return mode;
    }

    /**
     * Why {@code commit} of {@code repository} is not accepted, such as {@code not signed}; empty
     * when it is accepted.
     */
    public Optional<String> refusal(Repository repository, RevCommit commit) {
        if (check.isEmpty()) {
            return Optional.empty();
        }
        byte[] signature = commit.getRawGpgSignature();
        if (signature == null) {
            return Optional.of("not signed");
        }
        if (signature.length < prefix.length || !Arrays.equals(signature, 0, prefix.length, prefix, 0, prefix.length)) {
            return Optional.of("not signed with " + (mode.equals("ssh") ? "an SSH" : "an OpenPGP")
                    + " key (trueup.desired-state.verify=" + mode + ")");
        }
        return check.get().refusal(repository, commit, signature);
    }
}
