package io.trueup.git;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.util.RawParseUtils;

/**
 * OpenPGP signatures, checked against the public keys of one keyring file (as {@code gpg
 * --export} writes it, binary or armored) with BouncyCastle. The file is read at each
 * verification, so a key added, or a revocation imported, counts at once. A key is refused when
 * it, or the primary key it belongs to, is revoked or expired at the clock's now.
 *
 * <p>JGit's own OpenPGP verifier ({@code org.eclipse.jgit.gpg.bc}) is not used: it reads the
 * GnuPG home of the process, fixed when its class loads, caches keys until the process ends, and
 * does not check revocations.
 */
final class OpenPgpKeyring implements SignedCommits.Check {

    private static final byte[] GPGSIG = {'g', 'p', 'g', 's', 'i', 'g'};

    private final Path keyring;
    private final Clock clock;

    OpenPgpKeyring(Path keyring, Clock clock) {
        this.keyring = keyring;
        this.clock = clock;
    }

    @Override
    public Optional<String> refusal(Repository repository, RevCommit commit, byte[] signature) {
        PGPSignature sig;
        try {
            sig = parse(signature);
        } catch (IOException | PGPException | RuntimeException e) {
            return Optional.of("bad OpenPGP signature: " + e.getMessage());
        }
        PGPPublicKeyRingCollection rings;
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(keyring))) {
            rings = new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator());
        } catch (IOException | PGPException | RuntimeException e) {
            return Optional.of("cannot read trueup.desired-state.gpg-keyring " + keyring + ": " + e.getMessage());
        }
        String key = " (key " + String.format("%016X", sig.getKeyID()) + ")";
        try {
            PGPPublicKeyRing ring = rings.getPublicKeyRing(sig.getKeyID());
            if (ring == null) {
                return Optional.of("signed by a key not in trueup.desired-state.gpg-keyring" + key);
            }
            PGPPublicKey signer = ring.getPublicKey(sig.getKeyID());
            sig.init(new BcPGPContentVerifierBuilderProvider(), signer);
            sig.update(signedData(commit));
            if (!sig.verify()) {
                return Optional.of("bad signature" + key + ": it does not match the commit");
            }
            if (signer.hasRevocation() || ring.getPublicKey().hasRevocation()) {
                return Optional.of("signed by a revoked key" + key);
            }
            return expiry(signer).or(() -> expiry(ring.getPublicKey()))
                    .map(at -> "signed by an expired key" + key + ": it expired at " + at);
        } catch (PGPException | RuntimeException e) {
            return Optional.of("bad signature" + key + ": " + e.getMessage());
        }
    }

    /** When {@code key} expired, if it did before now. */
    private Optional<Instant> expiry(PGPPublicKey key) {
        long valid = key.getValidSeconds();
        Instant end = key.getCreationTime().toInstant().plusSeconds(valid);
        return valid > 0 && end.isBefore(clock.instant()) ? Optional.of(end) : Optional.empty();
    }

    private static PGPSignature parse(byte[] armored) throws IOException, PGPException {
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armored))) {
            Object object = new BcPGPObjectFactory(in).nextObject();
            if (object instanceof PGPCompressedData compressed) {
                object = new BcPGPObjectFactory(compressed.getDataStream()).nextObject();
            }
            if (object instanceof PGPSignatureList list && !list.isEmpty()) {
                return list.get(0);
            }
            throw new PGPException("no signature in it");
        }
    }

    /** What the signature signs: the raw commit without its {@code gpgsig} header, as git computes it. */
    private static byte[] signedData(RevCommit commit) {
        byte[] raw = commit.getRawBuffer();
        int start = RawParseUtils.headerStart(GPGSIG, raw, 0);
        if (start < 0) {
            return raw;
        }
        int end = RawParseUtils.nextLfSkippingSplitLines(raw, start);
        start -= GPGSIG.length + 1; // back to the header's name
        if (end < raw.length) {
            end++; // and its line's end
        }
        byte[] data = new byte[raw.length - (end - start)];
        System.arraycopy(raw, 0, data, 0, start);
        System.arraycopy(raw, end, data, start, raw.length - end);
        return data;
    }
}
