package io.trueup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.cli.CheckRepos.Result;
import io.trueup.support.Signers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code validate --verify} and {@code plan --verify}: a pull request's check fails, naming the
 * commit and why, unless the commit checked is signed as the service's
 * {@code trueup.desired-state.verify} requires. Real repositories, keys from {@code ssh-keygen}
 * and {@code gpg}, commits signed by {@code git commit -S}.
 */
@Timeout(120)
class VerifyOptionTest {

    @TempDir
    Path tmp;

    private CheckRepos repos;
    private Path alice;
    private Path allowed;

    @BeforeEach
    void setUp() throws Exception {
        repos = CheckRepos.create(tmp);
        alice = Signers.newKey(tmp, "alice");
        allowed = Files.writeString(tmp.resolve("allowed_signers"), Signers.allowed("alice@example.com", alice));
        repos.write("apps/hello/test.yaml", repos.envYaml(repos.app.head(), repos.hash(), "web1", ""));
    }

    private Result validate(String... options) {
        List<String> args = new ArrayList<>(List.of("validate", repos.desired.dir().toString()));
        args.addAll(List.of(options));
        return CheckRepos.run(args.toArray(String[]::new));
    }

    private Result plan(String base, String head, String... options) {
        List<String> args = new ArrayList<>(List.of("plan", "--base", base, "--head", head, "--repo",
                repos.desired.dir().toString()));
        args.addAll(List.of(options));
        return CheckRepos.run(args.toArray(String[]::new));
    }

    @Test
    void validatePassesACheckoutSignedByAnAllowedKey() throws Exception {
        repos.commit("test");
        Signers.signHead(repos.desired.dir(), alice);

        Result result = validate("--verify", "ssh", "--allowed-signers", allowed.toString());

        assertEquals(0, result.status(), result::toString);
        assertTrue(result.out().stream().noneMatch(l -> l.startsWith("untrusted")), result::toString);
    }

    @Test
    void validateFailsAnUnsignedCheckoutNamingTheCommit() throws Exception {
        String head = repos.commit("test");

        Result result = validate("--verify", "ssh", "--allowed-signers", allowed.toString());

        assertEquals(1, result.status(), result::toString);
        assertEquals("untrusted commit " + head + ": not signed", result.out().getFirst());
    }

    @Test
    void validateChecksTheFilesOfTheCommitItVerifiedNotTheWorkingTree() throws Exception {
        repos.write("apps/hello/test.yaml", repos.envYaml(repos.app.head(), repos.hash(), "web1", "bogus: 1\n"));
        repos.commit("test");
        Signers.signHead(repos.desired.dir(), alice);
        repos.write("apps/hello/test.yaml", repos.envYaml(repos.app.head(), repos.hash(), "web1", ""));

        Result result = validate("--verify", "ssh", "--allowed-signers", allowed.toString());

        assertEquals(1, result.status(), result::toString);
        assertTrue(result.out().stream().anyMatch(l -> l.startsWith("apps/hello/test.yaml:6:") && l.contains("bogus")),
                result::toString);
    }

    @Test
    void planFailsAHeadSignedByAnUnknownKeyAndPassesOneSignedByAnAllowedKey() throws Exception {
        String base = repos.commit("test");
        Path mallory = Signers.newKey(tmp, "mallory");
        repos.write("apps/hello/prod.yaml", repos.envYaml(repos.app.head(), repos.hash(), "web2", "")).commit("prod");
        String unknown = Signers.signHead(repos.desired.dir(), mallory);

        Result refused = plan(base, unknown, "--verify", "ssh", "--allowed-signers", allowed.toString());
        String trusted = Signers.signHead(repos.desired.dir(), alice);
        Result accepted = plan(base, trusted, "--verify", "ssh", "--allowed-signers", allowed.toString());

        assertEquals(1, refused.status(), refused::toString);
        assertTrue(refused.out().stream().anyMatch(l -> l.startsWith("untrusted commit " + unknown
                + ": signed by a key not in trueup.desired-state.allowed-signers")), refused::toString);
        assertEquals(0, accepted.status(), accepted::toString);
    }

    @Test
    void planVerifiesAnOpenPgpSignatureAgainstAKeyring() throws Exception {
        String base = repos.commit("test");
        try (Signers.Gpg gpg = Signers.gpg(tmp.resolve("g"))) {
            gpg.newKey("alice@example.com", "0");
            Path keyring = gpg.export(tmp.resolve("keyring.gpg"), "alice@example.com");
            repos.write("apps/hello/prod.yaml", repos.envYaml(repos.app.head(), repos.hash(), "web2", ""))
                    .commit("prod");
            String head = gpg.signHead(repos.desired.dir(), "alice@example.com");

            Result result = plan(base, head, "--verify", "gpg", "--gpg-keyring", keyring.toString());

            assertEquals(0, result.status(), result::toString);
        }
    }

    @Test
    void aSignersFileWithoutVerifyOrVerifyWithoutItIsAUsageError() throws Exception {
        repos.commit("test");

        Result noVerify = validate("--allowed-signers", allowed.toString());
        Result noFile = validate("--verify", "ssh");
        Result unknown = validate("--verify", "x509");

        assertEquals(2, noVerify.status());
        assertEquals("trueup: --allowed-signers and --revoked-signers need --verify ssh", noVerify.err().getFirst());
        assertEquals(2, noFile.status());
        assertEquals("trueup: option --allowed-signers is required", noFile.err().getFirst());
        assertEquals("trueup: --verify: x509 is not ssh, gpg or none", unknown.err().getFirst());
    }
}
