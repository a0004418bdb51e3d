package io.trueup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trueup.TrueupException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** trueup does not start with a {@code trueup.desired-state.verify} it cannot honour, and says which key is wrong. */
class SignedCommitsConfigTest {

    @TempDir
    Path tmp;

    private static TrueupConfig.DesiredStateSource config(TrueupConfig.Verify verify, Optional<Path> allowed,
            Optional<Path> revoked, Optional<Path> keyring) {
        return new TrueupConfig.DesiredStateSource() {
            @Override
            public Optional<String> url() {
                return Optional.empty();
            }

            @Override
            public String branch() {
                return "main";
            }

            @Override
            public Optional<String> dir() {
                return Optional.empty();
            }

            @Override
            public TrueupConfig.Verify verify() {
                return verify;
            }

            @Override
            public Optional<Path> allowedSigners() {
                return allowed;
            }

            @Override
            public Optional<Path> revokedSigners() {
                return revoked;
            }

            @Override
            public Optional<Path> gpgKeyring() {
                return keyring;
            }
        };
    }

    private static String refusal(TrueupConfig.DesiredStateSource config) {
        return assertThrows(TrueupException.class, () -> Wiring.signedCommits(config, Clock.systemUTC())).getMessage();
    }

    @Test
    void verifySshNeedsAReadableAllowedSignersFile() {
        Path missing = tmp.resolve("allowed_signers");

        assertEquals("trueup.desired-state.allowed-signers: must be set with trueup.desired-state.verify=ssh (the"
                + " keys that may sign desired state, in git's allowed_signers format)",
                refusal(config(TrueupConfig.Verify.SSH, Optional.empty(), Optional.empty(), Optional.empty())));
        assertEquals("trueup.desired-state.allowed-signers: cannot read " + missing + " (not a readable file)",
                refusal(config(TrueupConfig.Verify.SSH, Optional.of(missing), Optional.empty(), Optional.empty())));
    }

    @Test
    void verifyGpgNeedsAReadableKeyring() throws Exception {
        Path allowed = Files.writeString(tmp.resolve("allowed_signers"), "");

        assertEquals("trueup.desired-state.gpg-keyring: must be set with trueup.desired-state.verify=gpg (the OpenPGP"
                + " public keys that may sign desired state, as gpg --export writes them)",
                refusal(config(TrueupConfig.Verify.GPG, Optional.empty(), Optional.empty(), Optional.empty())));
        assertEquals("trueup.desired-state.allowed-signers and revoked-signers count only with"
                + " trueup.desired-state.verify=ssh, not gpg: set verify=ssh, or unset them",
                refusal(config(TrueupConfig.Verify.GPG, Optional.of(allowed), Optional.empty(), Optional.empty())));
    }

    @Test
    void aSignersFileWithoutVerifyIsRefusedRatherThanIgnored() throws Exception {
        Path allowed = Files.writeString(tmp.resolve("allowed_signers"), "");

        assertEquals("trueup.desired-state.allowed-signers and revoked-signers count only with"
                + " trueup.desired-state.verify=ssh, not none: set verify=ssh, or unset them",
                refusal(config(TrueupConfig.Verify.NONE, Optional.of(allowed), Optional.empty(), Optional.empty())));
        assertEquals("trueup.desired-state.gpg-keyring counts only with trueup.desired-state.verify=gpg, not none:"
                + " set verify=gpg, or unset it",
                refusal(config(TrueupConfig.Verify.NONE, Optional.empty(), Optional.empty(), Optional.of(allowed))));
    }
}
