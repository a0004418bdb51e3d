package io.trueup.desired;

/**
 * Where a file sits in the desired-state repository, and so what trueup makes of it:
 * {@code apps/<app>/app.yaml} holds what an app's environments share,
 * {@code apps/<app>/<env>.yaml} is one environment ({@code .yml} works too), other YAML files
 * under {@code apps/} are not read (and said so, since someone probably meant them to be),
 * and everything else is ignored. Stateless.
 */
final class Layout {

    private static final String ONLY = "trueup reads only apps/<app>/app.yaml and apps/<app>/<env>.yaml";
    private static final String NAME_RULE = "1 to 63 lowercase letters, digits, _ or -, starting with a letter or digit";

    /** What a path is to trueup. */
    sealed interface Place {
    }

    /** {@code apps/<app>/app.yaml} or {@code app.yml}. */
    record AppFile(String app) implements Place {
    }

    /** {@code apps/<app>/<env>.yaml} or {@code .yml}. */
    record EnvFile(AppEnv id) implements Place {
    }

    /** A YAML file under {@code apps/} that trueup does not read, and why. */
    record Unread(String reason) implements Place {
    }

    /** Anything else: not trueup's business. */
    record Ignored() implements Place {
    }

    private Layout() {
    }

    /** What {@code path} (relative to the desired-state root, '/'-separated) is. */
    static Place of(String path) {
        if (!path.startsWith("apps/") || !isYaml(path)) {
            return new Ignored();
        }
        String[] parts = path.split("/", -1);
        if (parts.length != 3) {
            return new Unread("not read: " + ONLY);
        }
        String app = parts[1];
        String name = baseName(parts[2]);
        if (!AppEnv.NAME.matcher(app).matches()) {
            return new Unread("not read: the app name \"" + app + "\" (the directory) must be " + NAME_RULE);
        }
        if (name.equals("app")) {
            return new AppFile(app);
        }
        if (!AppEnv.NAME.matcher(name).matches()) {
            return new Unread("not read: the environment name \"" + name + "\" (the file name) must be " + NAME_RULE);
        }
        return new EnvFile(new AppEnv(app, name));
    }

    /** Whether a reader loads {@code path}: a YAML file under {@code apps/}, or any file in an app's directory. */
    static boolean reads(String path) {
        return path.startsWith("apps/") && (isYaml(path) || appOf(path).isPresent());
    }

    /** The app whose directory holds {@code path} ({@code apps/<app>/...}), or empty. */
    static java.util.Optional<String> appOf(String path) {
        String[] parts = path.split("/", 3);
        return parts.length == 3 && parts[0].equals("apps") && AppEnv.NAME.matcher(parts[1]).matches()
                ? java.util.Optional.of(parts[1]) : java.util.Optional.empty();
    }

    private static boolean isYaml(String path) {
        return path.endsWith(".yaml") || path.endsWith(".yml");
    }

    /** {@code path} without its {@code .yaml} or {@code .yml} ending; {@code path} itself when it has neither. */
    static String baseName(String path) {
        for (String ending : new String[] {".yaml", ".yml"}) {
            if (path.endsWith(ending)) {
                return path.substring(0, path.length() - ending.length());
            }
        }
        return path;
    }
}
