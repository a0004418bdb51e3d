package io.trueup.ssh;

import java.nio.file.Path;
import java.security.PublicKey;
import org.apache.sshd.common.config.keys.KeyUtils;

/** Why {@link StrictHostKeys} refused a host's key; turned into a {@link HostKeyException}. */
sealed interface HostKeyRefusal {

    HostKeyException toException(SshTarget target, Path knownHosts);

    /** known_hosts lists no key for the host. */
    record Unknown(PublicKey sent) implements HostKeyRefusal {

        @Override
        public HostKeyException toException(SshTarget target, Path knownHosts) {
            return new HostKeyException(target, "host key of " + target.address() + " is not in " + knownHosts
                    + " (" + KeyUtils.getKeyType(sent) + " " + KeyUtils.getFingerPrint(sent)
                    + "): refusing to connect");
        }
    }

    /** known_hosts lists another key for the host, of type {@code listedType}. */
    record Changed(String listedType, PublicKey listed, PublicKey sent) implements HostKeyRefusal {

        @Override
        public HostKeyException toException(SshTarget target, Path knownHosts) {
            return new HostKeyException(target, "host key of " + target.address() + " CHANGED: " + knownHosts
                    + " has " + KeyUtils.getFingerPrint(listed) + ", host sent " + KeyUtils.getFingerPrint(sent)
                    + "; refusing to connect (possible man-in-the-middle)" + typeHint());
        }

        /** A host known only by a key type this client cannot use looks changed; say so. */
        private String typeHint() {
            String sentType = KeyUtils.getKeyType(sent);
            if (listedType == null || listedType.equals(sentType)) {
                return "";
            }
            return "; known_hosts lists a key of type " + listedType + " but the host sent one of type "
                    + sentType + ": if the host has both, list its " + sentType + " key too (this client does"
                    + " not pick host key types by known_hosts)";
        }
    }
}
