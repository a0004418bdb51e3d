package io.trueup.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real headless browser for tests: Debian's {@code chromium} ({@code /usr/bin/chromium}, or
 * the one {@code TRUEUP_CHROMIUM} names), run once per call in a fresh profile directory, with
 * nothing of its own reaching the network, bounded by a timeout and killed if it overruns.
 */
final class Chromium {

    private static final long TIMEOUT_SECONDS = 60;

    private final Path binary;

    Chromium() {
        binary = Path.of(System.getenv().getOrDefault("TRUEUP_CHROMIUM", "/usr/bin/chromium"));
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " is missing: the dashboard's browser test needs Chromium"
                    + " (on Debian: apt-get install -y chromium)");
        }
    }

    /** The page's DOM after it loaded, as HTML. */
    String dumpDom(URL page) {
        return run(List.of("--dump-dom", page.toString()));
    }

    /** Saves a PNG of the page as seen in a window of {@code width} by {@code height} pixels. */
    void screenshot(URL page, Path png, int width, int height) {
        run(List.of("--hide-scrollbars", "--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + ","
                + height, page.toString()));
        if (!Files.isRegularFile(png)) {
            throw new IllegalStateException("chromium made no screenshot " + png);
        }
    }

    private String run(List<String> args) {
        Path profile = temp("trueup-chromium-profile");
        Path out = profile.resolveSibling(profile.getFileName() + ".out");
        Path err = profile.resolveSibling(profile.getFileName() + ".err");
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile));
        command.addAll(args);
        Process process = null;
        try {
            process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("chromium took over " + TIMEOUT_SECONDS + " s: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("chromium exited " + process.exitValue() + ": "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for chromium", e);
        } finally {
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            delete(profile);
            delete(out);
            delete(err);
        }
    }

    private static Path temp(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path path) {
        try (Stream<Path> all = Files.walk(path)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp file is harmless
        }
    }
}
