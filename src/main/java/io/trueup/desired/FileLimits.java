package io.trueup.desired;

/**
 * How much of the desired-state repository trueup reads: desired state is settings, not data.
 * A reader checks a file's size before loading it, and loads none over {@link #MAX_FILE_BYTES};
 * it stops a revision whose files to read hold more than {@link #MAX_TOTAL_BYTES} together. The
 * messages name the file, its size and the limit. Stateless.
 */
public final class FileLimits {

    /** The most bytes of one file trueup reads: an app.yaml, an environment file or a template. */
    public static final long MAX_FILE_BYTES = 1024 * 1024;

    /** The most bytes of all the files under {@code apps/} that trueup reads at one revision. */
    public static final long MAX_TOTAL_BYTES = 16 * 1024 * 1024;

    private FileLimits() {
    }

    /** Whether a file of {@code size} bytes is too large to read. */
    public static boolean tooLarge(long size) {
        return size > MAX_FILE_BYTES;
    }

    /** Why a file of {@code size} bytes is not read: {@code is 62914560 bytes, more than ...}. */
    public static String tooLargeReason(long size) {
        return "is " + size + " bytes, more than the " + MAX_FILE_BYTES + " bytes (1 MiB) trueup reads of a"
                + " desired-state file: keep data out of apps/";
    }

    /** Why a symbolic link under {@code apps/} is refused. */
    public static String symbolicLinkReason() {
        return "is a symbolic link; trueup reads only regular files under apps/: commit the file itself";
    }

    /**
     * Why a whole revision is refused: its files to read under {@code apps/} hold more than
     * {@link #MAX_TOTAL_BYTES}.
     *
     * @param where the revision and repository, such as {@code commit 3f2a9c1 of /srv/desired}
     * @param file the file whose size went over the limit
     */
    public static String totalReason(String where, String file) {
        return "desired state at " + where + " is refused: its files under apps/ hold more than " + MAX_TOTAL_BYTES
                + " bytes (16 MiB) together, reached at " + file + ": keep data out of apps/";
    }
}
