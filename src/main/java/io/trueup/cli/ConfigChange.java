package io.trueup.cli;

import io.trueup.desired.RenderedConfig;
import io.trueup.git.TextDiff;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How the config rendered for one host changes, file by file, as lines for a plan. Pure. */
final class ConfigChange {

    /** Unchanged lines shown around each change. */
    private static final int CONTEXT = 1;

    private ConfigChange() {
    }

    /**
     * For each file that {@code after} adds, removes or changes against {@code before}: a line
     * naming it (with its mode when that changes), then its lines that change; empty when none does.
     */
    static List<String> lines(RenderedConfig before, RenderedConfig after) {
        Map<String, RenderedConfig.File> old = byDest(before);
        Map<String, RenderedConfig.File> now = byDest(after);
        List<String> lines = new ArrayList<>();
        for (RenderedConfig.File file : now.values()) {
            RenderedConfig.File was = old.get(file.dest());
            if (was == null) {
                lines.add(file.dest() + ": added, mode " + mode(file));
                TextDiff.lines("", text(file), 0).forEach(line -> lines.add("  " + line));
            } else if (!was.equals(file)) {
                lines.add(file.dest() + ":" + (was.mode() == file.mode() ? "" : " mode " + mode(was) + " -> "
                        + mode(file)));
                TextDiff.lines(text(was), text(file), CONTEXT).forEach(line -> lines.add("  " + line));
            }
        }
        old.keySet().stream().filter(dest -> !now.containsKey(dest)).forEach(dest -> lines.add(dest + ": removed"));
        return lines;
    }

    private static Map<String, RenderedConfig.File> byDest(RenderedConfig config) {
        Map<String, RenderedConfig.File> files = new LinkedHashMap<>();
        config.files().forEach(f -> files.put(f.dest(), f));
        return files;
    }

    private static String text(RenderedConfig.File file) {
        return new String(file.content(), StandardCharsets.UTF_8);
    }

    private static String mode(RenderedConfig.File file) {
        return String.format("%04o", file.mode());
    }
}
