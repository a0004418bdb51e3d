package io.trueup.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.SignatureVerifier.SignatureVerification;
import org.eclipse.jgit.lib.SignatureVerifiers;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * Which desired-state commits trueup accepts ({@code trueup.desired-state.verify}): any
 * ({@link #none()}), or only those signed by an SSH key of an allowed-signers file that a
 * revocation file does not revoke ({@link #ssh}), as git's {@code gpg.ssh.allowedSignersFile}
 * and {@code gpg.ssh.revocationFile} do. JGit verifies the signature; it reads each file again
 * when the file changes, so an added or revoked key counts at the next verification without a
 * restart. Immutable and safe to use from many threads.
 */
public final class SignedCommits {

    private static final byte[] SSH_SIGNATURE = Constants.SSH_SIGNATURE_PREFIX.getBytes(StandardCharsets.US_ASCII);

    private final String mode;
    private final Optional<Path> allowedSigners;
    private final Optional<Path> revokedSigners;

    private SignedCommits(String mode, Optional<Path> allowedSigners, Optional<Path> revokedSigners) {
        this.mode = mode;
        this.allowedSigners = allowedSigners.map(Path::toAbsolutePath);
        this.revokedSigners = revokedSigners.map(Path::toAbsolutePath);
    }

    /** Every commit is accepted, signed or not. */
    public static SignedCommits none() {
        return new SignedCommits("none", Optional.empty(), Optional.empty());
    }

    /**
     * Only commits signed by an SSH key of {@code allowedSigners} (git's allowed_signers format)
     * and not revoked by {@code revokedSigners} (an OpenSSH KRL, or public keys one a line; empty
     * or missing, it revokes nothing).
     */
    public static SignedCommits ssh(Path allowedSigners, Optional<Path> revokedSigners) {
        return new SignedCommits("ssh", Optional.of(allowedSigners), revokedSigners);
    }

    /** git's configuration of the files, as JGit's verifier reads it: an empty revocation file is left out (JGit fails on one). */
    private GpgConfig config() {
        Config git = new Config();
        git.setString(ConfigConstants.CONFIG_GPG_SECTION, ConfigConstants.CONFIG_SSH_SUBSECTION,
                ConfigConstants.CONFIG_KEY_SSH_ALLOWED_SIGNERS_FILE, allowedSigners.orElseThrow().toString());
        revokedSigners.filter(SignedCommits::notEmpty).ifPresent(file -> git.setString(
                ConfigConstants.CONFIG_GPG_SECTION, ConfigConstants.CONFIG_SSH_SUBSECTION,
                ConfigConstants.CONFIG_KEY_SSH_REVOCATION_FILE, file.toString()));
        return new GpgConfig(git);
    }

    private static boolean notEmpty(Path file) {
        try {
            return Files.size(file) > 0;
        } catch (IOException e) {
            return true; // JGit reports what is wrong with it
        }
    }

    /** Whether a commit must be signed to be accepted. */
    public boolean required() {
        return allowedSigners.isPresent();
    }

    /** {@code none} or {@code ssh}, as {@code trueup.desired-state.verify} names it. */
    public String mode() {
        return mode;
    }

    /**
     * Why {@code commit} of {@code repository} is not accepted, such as {@code not signed}; empty
     * when it is accepted.
     */
    public Optional<String> refusal(Repository repository, RevCommit commit) {
        if (!required()) {
            return Optional.empty();
        }
        byte[] signature = commit.getRawGpgSignature();
        if (signature == null) {
            return Optional.of("not signed");
        }
        if (!startsWith(signature, SSH_SIGNATURE)) {
            return Optional.of("not signed with an SSH key (trueup.desired-state.verify=ssh accepts SSH signatures"
                    + " only)");
        }
        try {
            SignatureVerification verification = SignatureVerifiers.verify(repository, config(), commit);
            if (verification == null) {
                return Optional.of("its SSH signature cannot be verified: JGit's SSH signature support is missing");
            }
            if (verification.verified()) {
                return Optional.empty();
            }
            return Optional.of(reason(verification));
        } catch (IOException | JGitInternalException e) {
            return Optional.of("its signature cannot be verified: " + e.getMessage());
        }
    }

    private static String reason(SignatureVerification verification) {
        String key = verification.keyFingerprint() == null ? "" : " (key " + verification.keyFingerprint() + ")";
        String message = verification.message() == null ? "signature does not verify" : verification.message();
        if (message.startsWith("No principal matched")) {
            return "signed by a key not in trueup.desired-state.allowed-signers" + key;
        }
        if (message.contains("revoked")) {
            return "signed by a revoked key" + key;
        }
        if (verification.expired()) {
            return "signed by an expired key" + key + ": " + message;
        }
        return "bad signature" + key + ": " + message;
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
