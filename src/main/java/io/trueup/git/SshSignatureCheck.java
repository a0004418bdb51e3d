package io.trueup.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.SignatureVerifier.SignatureVerification;
import org.eclipse.jgit.lib.SignatureVerifiers;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * SSH signatures, verified by JGit's SSH signature support against an allowed-signers file and
 * a revocation file, given as git's {@code gpg.ssh.allowedSignersFile} and
 * {@code gpg.ssh.revocationFile}. JGit reads each file again when it changes.
 */
final class SshSignatureCheck implements SignedCommits.Check {

    private final Path allowedSigners;
    private final Optional<Path> revokedSigners;

    SshSignatureCheck(Path allowedSigners, Optional<Path> revokedSigners) {
        this.allowedSigners = allowedSigners.toAbsolutePath(); // JGit takes a relative one from a work tree
        this.revokedSigners = revokedSigners.map(Path::toAbsolutePath);
    }

    @Override
    public Optional<String> refusal(Repository repository, RevCommit commit, byte[] signature) {
        try {
            SignatureVerification verification = SignatureVerifiers.verify(repository, config(), commit);
            if (verification == null) {
                return Optional.of("its SSH signature cannot be verified: JGit's SSH signature support is missing");
            }
            return verification.verified() ? Optional.empty() : Optional.of(reason(verification));
        } catch (IOException | JGitInternalException e) {
            return Optional.of("its signature cannot be verified: " + e.getMessage());
        }
    }

    /** The files as JGit's verifier reads them: an empty revocation file is left out (JGit fails on one). */
    private GpgConfig config() {
        Config git = new Config();
        git.setString(ConfigConstants.CONFIG_GPG_SECTION, ConfigConstants.CONFIG_SSH_SUBSECTION,
                ConfigConstants.CONFIG_KEY_SSH_ALLOWED_SIGNERS_FILE, allowedSigners.toString());
        revokedSigners.filter(SshSignatureCheck::notEmpty).ifPresent(file -> git.setString(
                ConfigConstants.CONFIG_GPG_SECTION, ConfigConstants.CONFIG_SSH_SUBSECTION,
                ConfigConstants.CONFIG_KEY_SSH_REVOCATION_FILE, file.toString()));
        return new GpgConfig(git);
    }

    private static boolean notEmpty(Path file) {
        try {
            return Files.size(file) > 0;
        } catch (IOException e) {
            return true; // JGit tells what is wrong with it
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
}
