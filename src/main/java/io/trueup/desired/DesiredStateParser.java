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
        return parse(revision, files, Map.of(), defaultUser);
    }

    /**
     * Parses {@code files}, knowing that the reader refused {@code refused} (a file over
     * {@link FileLimits#MAX_FILE_BYTES}, a symbolic link), each with why. A refused app.yaml or
     * environment file is a problem of that file; a refused template named by {@code config} is
     * a problem of each environment that names it; a symbolic link elsewhere in an app's
     * directory is a problem of each of its environments. Other refused files are not read.
     *
     * @param refused why each refused file was not read, keyed as {@code files}
     */
    public DesiredState parse(String revision, Map<String, byte[]> files, Map<String, String> refused,
            String defaultUser) {
        checkDefaultUser(defaultUser);
        List<Problem> problems = new ArrayList<>();
        SortedMap<AppEnv, DesiredEntry> entries = new TreeMap<>();
        TreeSet<String> paths = new TreeSet<>(files.keySet());
        paths.addAll(refused.keySet());
        for (AppDirectory app : group(paths, refused, problems)) {
            entries.putAll(readApp(app, new Contents(files, refused), defaultUser, problems));
        }
        BasePaths.overlaps(entries.values()).forEach((id, clashes) -> entries.put(id, new DesiredEntry.Invalid(id,
                clashes.stream().map(c -> problemAt(files, c.spec(), "path", c.message())).toList())));
        return DesiredState.of(revision, entries, problems);
    }

    /**
     * Whether trueup reads the file at {@code path} (relative to the desired-state root): the
     * YAML files under {@code apps/}, and every file in an app's directory, where templates are.
     * A reader of desired state loads only these.
     */
    public static boolean reads(String path) {
        return Layout.reads(path);
    }

    /** The files read, and why the reader refused others. */
    private record Contents(Map<String, byte[]> files, Map<String, String> refused) {
    }

    private static void checkDefaultUser(String defaultUser) {
        try {
            ValueRules.user(defaultUser == null ? "" : defaultUser);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("default SSH user \"" + defaultUser + "\" " + e.getMessage(), e);
        }
    }

    /** The app directories among {@code paths}; YAML files in places trueup does not read become problems. */
    private static List<AppDirectory> group(Collection<String> paths, Map<String, String> refused,
            List<Problem> problems) {
        SortedMap<String, AppDirectory> apps = new TreeMap<>();
        for (String path : new TreeSet<>(paths)) {
            switch (Layout.of(path)) {
                case Layout.AppFile f -> apps.computeIfAbsent(f.app(), AppDirectory::new).addAppFile(path);
                case Layout.EnvFile f -> apps.computeIfAbsent(f.id().app(), AppDirectory::new).addEnvFile(f.id(), path);
                case Layout.Unread u -> problems.add(new Problem(path, 0, "", refused.containsKey(path)
                        ? refused.get(path) + "; " + u.reason() : u.reason()));
                case Layout.Ignored i -> refusedOther(path, refused, apps, problems);
            }
        }
        return List.copyOf(apps.values());
    }

    /** A refused file that is not an app's YAML file: kept with its app, a link outside any app is a problem. */
    private static void refusedOther(String path, Map<String, String> refused, SortedMap<String, AppDirectory> apps,
            List<Problem> problems) {
        if (!refused.containsKey(path)) {
            return;
        }
        Layout.appOf(path).ifPresentOrElse(app -> apps.computeIfAbsent(app, AppDirectory::new).addRefused(path),
                () -> problems.add(new Problem(path, 0, "", refused.get(path))));
    }

    private Map<AppEnv, DesiredEntry> readApp(AppDirectory app, Contents contents, String defaultUser,
            List<Problem> problems) {
        FileSettings shared = readOneOf(app.appFiles(), contents, app.appYaml());
        List<Problem> links = app.refused().stream().filter(p -> contents.refused().get(p).equals(
                FileLimits.symbolicLinkReason())).map(p -> new Problem(p, 0, "", contents.refused().get(p))).toList();
        if (app.envFiles().isEmpty()) {
            problems.addAll(shared.problems());
            problems.addAll(links);
            return Map.of();
        }
        Map<AppEnv, DesiredEntry> entries = new TreeMap<>();
        app.envFiles().forEach((id, paths) -> entries.put(id, withRefused(
                SpecAssembler.assemble(id, shared, readOneOf(paths, contents, ""), defaultUser, policy), links,
                contents)));
        return entries;
    }

    /** {@code entry}, Invalid when {@code links} are there or its config names a template that was refused. */
    private static DesiredEntry withRefused(DesiredEntry entry, List<Problem> links, Contents contents) {
        List<Problem> more = new ArrayList<>(links);
        if (entry instanceof DesiredEntry.Valid valid) {
            valid.spec().recipe().config().stream().map(ConfigFile::template).distinct()
                    .filter(t -> contents.refused().containsKey(t) && !links.stream().anyMatch(l -> l.file().equals(t)))
                    .forEach(t -> more.add(new Problem(t, 0, "", contents.refused().get(t))));
        }
        if (more.isEmpty()) {
            return entry;
        }
        List<Problem> all = new ArrayList<>(entry instanceof DesiredEntry.Invalid bad ? bad.problems() : List.of());
        all.addAll(more);
        return new DesiredEntry.Invalid(entry.id(), all);
    }

    /** Reads the first of {@code paths}, with a problem on each other one; {@code absent} names a missing file. */
    private static FileSettings readOneOf(List<String> paths, Contents contents, String absent) {
        if (paths.isEmpty()) {
            return FileSettings.absent(absent);
        }
        String first = paths.getFirst();
        FileSettings settings = SettingsReader.read(contents.refused().containsKey(first)
                ? YamlDocument.refused(first, contents.refused().get(first))
                : YamlDocument.read(first, contents.files().get(first)));
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
