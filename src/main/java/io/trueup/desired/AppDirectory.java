package io.trueup.desired;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The YAML files of one {@code apps/<app>/} directory, collected while walking the repository:
 * its app.yaml (normally one path; two when both app.yaml and app.yml exist) and, per
 * environment, its file (two when both {@code .yaml} and {@code .yml} exist). Paths are added
 * in sorted order, so {@code .yaml} comes before {@code .yml}. Other files of the directory
 * that the reader refused (too large, a symbolic link) are kept too. Not thread-safe; used by one
 * parse only.
 */
final class AppDirectory {

    private final String app;
    private final List<String> appFiles = new ArrayList<>();
    private final SortedMap<AppEnv, List<String>> envFiles = new TreeMap<>();
    private final List<String> refused = new ArrayList<>();

    AppDirectory(String app) {
        this.app = app;
    }

    void addAppFile(String path) {
        appFiles.add(path);
    }

    void addEnvFile(AppEnv id, String path) {
        envFiles.computeIfAbsent(id, key -> new ArrayList<>()).add(path);
    }

    /** A file of the directory, not one of its YAML files, that the reader refused (too large, a link). */
    void addRefused(String path) {
        refused.add(path);
    }

    /** Paths of the files added by {@link #addRefused}. */
    List<String> refused() {
        return refused;
    }

    /** Paths of app.yaml / app.yml; empty when the app has none. */
    List<String> appFiles() {
        return appFiles;
    }

    /** The app.yaml path that messages name when the app has none. */
    String appYaml() {
        return "apps/" + app + "/app.yaml";
    }

    /** Paths of each environment's file, by environment. */
    SortedMap<AppEnv, List<String>> envFiles() {
        return envFiles;
    }
}
