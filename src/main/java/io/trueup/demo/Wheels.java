package io.trueup.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds a pure-Python wheel ({@code <name>-<version>-py3-none-any.whl}) from a directory of
 * modules, as {@code pip wheel} would for a project without build steps. The demo and the
 * tests use it to fill an app's wheelhouse where no package index can be reached.
 */
public final class Wheels {

    private Wheels() {
    }

    /**
     * Writes the wheel of {@code name} {@code version} into {@code wheelhouse}, holding every
     * file under {@code sources} (paths relative to it, e.g. {@code greeting/__init__.py}).
     *
     * @return the wheel file
     */
    public static Path build(Path sources, String name, String version, Path wheelhouse) {
        try {
            Map<String, byte[]> files = new LinkedHashMap<>();
            try (Stream<Path> walk = Files.walk(sources)) {
                for (Path file : walk.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".md"))
                        .sorted().toList()) {
                    files.put(sources.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
                }
            }
            return write(name, version, files, wheelhouse);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build wheel " + name + " from " + sources, e);
        }
    }

    /** Writes a wheel holding {@code files} (path inside the wheel to content). */
    public static Path write(String name, String version, Map<String, byte[]> files, Path wheelhouse) {
        String dist = name.replace('-', '_');
        String info = dist + "-" + version + ".dist-info/";
        Map<String, byte[]> all = new LinkedHashMap<>(files);
        all.put(info + "METADATA", utf8("Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n"));
        all.put(info + "WHEEL", utf8("Wheel-Version: 1.0\nGenerator: trueup\nRoot-Is-Purelib: true\n"
                + "Tag: py3-none-any\n"));
        StringBuilder record = new StringBuilder();
        all.forEach((path, content) -> record.append(path).append(",sha256=").append(digest(content)).append(',')
                .append(content.length).append('\n'));
        record.append(info).append("RECORD,,\n");
        all.put(info + "RECORD", utf8(record.toString()));
        Path wheel = wheelhouse.resolve(dist + "-" + version + "-py3-none-any.whl");
        try {
            Files.createDirectories(wheelhouse);
            Files.write(wheel, zip(all));
            return wheel;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + wheel, e);
        }
    }

    private static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                ZipEntry zipEntry = new ZipEntry(entry.getKey());
                zipEntry.setTime(315532800000L); // 1980-01-01: the same bytes on every build
                zip.putNextEntry(zipEntry);
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static String digest(byte[] content) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(content);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
