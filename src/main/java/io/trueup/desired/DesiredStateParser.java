package io.trueup.desired;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads one revision of the desired-state repository into a {@link DesiredState}: one entry per
 * {@code apps/<app>/<env>.yaml}, valid or listing every problem found in it and in its app's
 * {@code app.yaml}. A problem in one app never affects another; a problem in an environment file
 * affects only that environment. Bad input never throws: it becomes {@link Problem}s naming file,
 * line and field.
 *
 * <p>A pure function of its arguments: no I/O, no clock. Stateless and safe to call
 * concurrently.
 */
public final class DesiredStateParser {

    private final Policy policy;

    /** A parser that allows whatever the format allows. */
    public DesiredStateParser() {
        this(Policy.OPEN);
    }

    /** A parser that also makes invalid what breaks {@code policy}. */
    public DesiredStateParser(Policy policy) {
        this.policy = java.util.Objects.requireNonNull(policy);
    }

    /**
     * Parses {@code files}.
     *
     * @param revision the desired-state commit, recorded in the result
     * @param files file contents by path relative to the desired-state root, '/'-separated
     *     ({@code apps/hello/app.yaml}); files outside {@code apps/} are ignored
     * @param defaultUser the SSH user of apps that name none
     * @throws IllegalArgumentException if {@code defaultUser} is not a valid user name (a
     *     configuration error, not a desired-state one)
     */
    public DesiredState parse(String revision, Map<String, byte[]> files, String defaultUser) {
        checkDefaultUser(defaultUser);
        List<Problem> problems = new ArrayList<>();
        SortedMap<AppEnv, DesiredEntry> entries = new TreeMap<>();
        for (AppDirectory app : group(files.keySet(), problems)) {
            entries.putAll(readApp(app, files, defaultUser, problems));
        }
        BasePaths.overlaps(entries.values()).forEach((id, clashes) -> entries.put(id, new DesiredEntry.Invalid(id,
                clashes.stream().map(c -> problemAt(files, c.spec(), "path", c.message())).toList())));
        return DesiredState.of(revision, entries, problems);
    }

    private static void checkDefaultUser(String defaultUser) {
        try {
            ValueRules.user(defaultUser == null ? "" : defaultUser);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("default SSH user \"" + defaultUser + "\" " + e.getMessage(), e);
        }
    }

    /** The app directories among {@code paths}; YAML files in places trueup does not read become problems. */
    private static List<AppDirectory> group(Collection<String> paths, List<Problem> problems) {
        SortedMap<String, AppDirectory> apps = new TreeMap<>();
        for (String path : new TreeSet<>(paths)) {
            switch (Layout.of(path)) {
                case Layout.AppFile f -> apps.computeIfAbsent(f.app(), AppDirectory::new).addAppFile(path);
                case Layout.EnvFile f -> apps.computeIfAbsent(f.id().app(), AppDirectory::new).addEnvFile(f.id(), path);
                case Layout.Unread u -> problems.add(new Problem(path, 0, "", u.reason()));
                case Layout.Ignored i -> {
                }
            }
        }
        return List.copyOf(apps.values());
    }

    private Map<AppEnv, DesiredEntry> readApp(AppDirectory app, Map<String, byte[]> files,
            String defaultUser, List<Problem> problems) {
        FileSettings shared = readOneOf(app.appFiles(), files, app.appYaml());
        if (app.envFiles().isEmpty()) {
            problems.addAll(shared.problems());
            return Map.of();
        }
        Map<AppEnv, DesiredEntry> entries = new TreeMap<>();
        app.envFiles().forEach((id, paths) ->
                entries.put(id, SpecAssembler.assemble(id, shared, readOneOf(paths, files, ""), defaultUser,
                        policy)));
        return entries;
    }

    /** Reads the first of {@code paths}, with a problem on each other one; {@code absent} names a missing file. */
    private static FileSettings readOneOf(List<String> paths, Map<String, byte[]> files, String absent) {
        if (paths.isEmpty()) {
            return FileSettings.absent(absent);
        }
        String first = paths.getFirst();
        FileSettings settings = SettingsReader.read(YamlDocument.read(first, files.get(first)));
        for (String other : paths.subList(1, paths.size())) {
            String kept = first.substring(first.lastIndexOf('/') + 1);
            settings = settings.withProblem(new Problem(other, 0, "", kept + " exists too; keep only one of them"));
        }
        return settings;
    }

    /**
     * A problem with {@code field} of {@code spec} found after parsing (a SHA missing from the
     * app repository, say), placed at the line that sets the field: in the environment file
     * when it sets it, else in the app's {@code app.yaml}.
     */
    public Problem problemAt(Map<String, byte[]> files, AppSpec spec, String field, String message) {
        String appDir = "apps/" + spec.id().app() + "/";
        for (String file : List.of(spec.file(), appDir + "app.yaml", appDir + "app.yml")) {
            int line = lineOf(files.get(file), field);
            if (line > 0) {
                return new Problem(file, line, field, message);
            }
        }
        return new Problem(spec.file(), 0, field, message);
    }

    private static int lineOf(byte[] content, String field) {
        if (content == null) {
            return 0;
        }
        try {
            return FieldLines.index(content).lineOf(field);
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
