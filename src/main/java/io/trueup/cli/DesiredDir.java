package io.trueup.cli;

import io.trueup.TrueupException;
import io.trueup.desired.DesiredStateParser;
import io.trueup.desired.FileLimits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The desired-state files of a checked-out directory, as trueup reads them from a commit: the
 * files under {@code apps/} that the parser reads ({@link DesiredStateParser#reads}), keyed by
 * their '/'-separated path relative to the directory, each checked for size before it is
 * loaded. A file over {@link FileLimits#MAX_FILE_BYTES}, and any symbolic link, is refused with
 * the reason rather than read; files over {@link FileLimits#MAX_TOTAL_BYTES} together stop the
 * check.
 *
 * @param files the files read
 * @param refused why each other file was not read
 */
record DesiredDir(Map<String, byte[]> files, Map<String, String> refused) {

    /**
     * @throws TrueupException when {@code root} has no {@code apps} directory, cannot be read, or
     *     holds too much under it
     */
    static DesiredDir read(Path root) {
        Path apps = root.resolve("apps");
        if (!Files.isDirectory(apps, LinkOption.NOFOLLOW_LINKS)) {
            throw new TrueupException("no apps directory in " + root);
        }
        Map<String, byte[]> files = new TreeMap<>();
        Map<String, String> refused = new TreeMap<>();
        long total = 0;
        try (Stream<Path> walk = Files.walk(apps)) {
            for (Path file : walk.sorted().toList()) {
                String path = root.relativize(file).toString().replace('\\', '/');
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (attributes.isSymbolicLink()) {
                    refused.put(path, FileLimits.symbolicLinkReason());
                } else if (attributes.isRegularFile() && DesiredStateParser.reads(path)) {
                    if (FileLimits.tooLarge(attributes.size())) {
                        refused.put(path, FileLimits.tooLargeReason(attributes.size()));
                    } else if ((total += attributes.size()) > FileLimits.MAX_TOTAL_BYTES) {
                        throw new TrueupException(FileLimits.totalReason(root.toString(), path));
                    } else {
                        byte[] content = readAtMost(file);
                        if (FileLimits.tooLarge(content.length)) { // it grew since
                            refused.put(path, FileLimits.tooLargeReason(content.length));
                        } else {
                            files.put(path, content);
                        }
                    }
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new TrueupException("cannot read " + apps + ": " + e.getMessage(), e);
        }
        return new DesiredDir(files, refused);
    }

    /** The first {@link FileLimits#MAX_FILE_BYTES} + 1 bytes of {@code file}, or all of a smaller one. */
    private static byte[] readAtMost(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return in.readNBytes((int) FileLimits.MAX_FILE_BYTES + 1);
        }
    }
}
