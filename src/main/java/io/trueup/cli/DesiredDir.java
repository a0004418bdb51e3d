package io.trueup.cli;

import io.trueup.TrueupException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The desired-state files of a checked-out directory, as the parser takes them: every regular
 * file under {@code apps/}, keyed by its '/'-separated path relative to the directory. Symbolic
 * links are skipped, as trueup skips them in a commit.
 */
final class DesiredDir {

    private DesiredDir() {
    }

    /**
     * @throws TrueupException when {@code root} has no {@code apps} directory or cannot be read
     */
    static Map<String, byte[]> read(Path root) {
        Path apps = root.resolve("apps");
        if (!Files.isDirectory(apps, LinkOption.NOFOLLOW_LINKS)) {
            throw new TrueupException("no apps directory in " + root);
        }
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(apps)) {
            for (Path file : walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                files.put(root.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new TrueupException("cannot read " + apps + ": " + e.getMessage(), e);
        }
        return files;
    }
}
