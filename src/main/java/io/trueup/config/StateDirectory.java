package io.trueup.config;

import io.trueup.TrueupException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * trueup's state directory, kept private to the user running trueup: made with mode 0700, and an
 * existing one that others can enter (made by an older trueup, or by hand) is set to 0700, with
 * group and other permissions removed from everything under it. It holds app mirrors, the
 * desired-state clone, {@code control.json} and the rollout records. Safe to call more than once.
 */
public final class StateDirectory {

    private static final Logger LOG = Logger.getLogger(StateDirectory.class);

    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");

    private StateDirectory() {
    }

    /** {@code dir}, made or tightened to 0700 on a POSIX file system; a failure names the directory. */
    public static Path secure(Path dir) {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return dir;
        }
        try {
            if (!Files.exists(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE));
                Files.setPosixFilePermissions(dir, PRIVATE); // createDirectories' mode is masked by the umask
            } else if (!Files.getPosixFilePermissions(dir).equals(PRIVATE)) {
                LOG.warnf("state directory %s was open to others (%s): set to 0700, and group and other"
                        + " permissions removed from what it holds", dir,
                        PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
                Files.setPosixFilePermissions(dir, PRIVATE);
                closeUnder(dir);
            }
            return dir;
        } catch (IOException e) {
            throw new TrueupException("cannot make state directory " + dir + " private (mode 0700): "
                    + e.getMessage(), e);
        }
    }

    private static void closeUnder(Path dir) throws IOException {
        Set<PosixFilePermission> others = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_EXECUTE);
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.skip(1).filter(p -> !Files.isSymbolicLink(p))::iterator) {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p);
                if (mode.removeAll(others)) {
                    Files.setPosixFilePermissions(p, mode);
                }
            }
        }
    }
}
