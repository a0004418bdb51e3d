package io.trueup.ssh;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Set;
import org.apache.sshd.common.config.keys.KeyUtils;

/** Why {@link StrictHostKeys} refused a host's key; turned into a {@link HostKeyException}. */
sealed interface HostKeyRefusal {

    HostKeyException toException(SshTarget target, Path knownHosts);

    /**
     * known_hosts lists no key of the sent key's type for the host; {@code listedTypes} are the
     * types it does list for it, if any (the host offered none of them).
     */
    record Unknown(PublicKey sent, Set<String> listedTypes) implements HostKeyRefusal {

        public Unknown {
            listedTypes = Set.copyOf(listedTypes);
        }

        @Override
        public HostKeyException toException(SshTarget target, Path knownHosts) {
            String listed = listedTypes.isEmpty() ? ""
                    : "; known_hosts lists only " + String.join(", ", listedTypes.stream().sorted().toList())
                            + " keys for it";
            return new HostKeyException(target, "host key of " + target.address() + " is not in " + knownHosts
                    + " (" + KeyUtils.getKeyType(sent) + " " + KeyUtils.getFingerPrint(sent) + ")" + listed
                    + ": refusing to connect");
        }
    }

    /** known_hosts lists another key of the sent key's type for the host. */
    record Changed(PublicKey listed, PublicKey sent) implements HostKeyRefusal {

        @Override
        public HostKeyException toException(SshTarget target, Path knownHosts) {
            String type = KeyUtils.getKeyType(sent);
            String has = type.equals(KeyUtils.getKeyType(listed)) ? KeyUtils.getFingerPrint(listed)
                    : "another " + type + " key";
            return new HostKeyException(target, "host key of " + target.address() + " CHANGED: " + knownHosts
                    + " has " + has + ", host sent " + KeyUtils.getFingerPrint(sent)
                    + "; refusing to connect (possible man-in-the-middle)");
        }
    }
}
