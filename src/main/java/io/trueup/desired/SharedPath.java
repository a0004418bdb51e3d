package io.trueup.desired;

/**
 * A path inside every release that outlives releases: on a host it lives in
 * {@code <path>/shared/<path>}, and each new release gets a symlink at {@code <path>} pointing
 * there, in place of whatever the commit has at that path. Validated: relative, no {@code .}
 * or {@code ..} segment, nothing under {@code .git} or {@code .venv}, so it is safe to pass to a
 * remote command.
 *
 * @param path the path inside the release, without a trailing {@code /}
 * @param directory whether it is a directory (written with a trailing {@code /}), made empty on
 *     first use; otherwise a file that must be on the host, or be rendered by {@code config}
 */
public record SharedPath(String path, boolean directory) {

    public SharedPath {
        ValueRules.releasePath(path);
    }

    /** Parses {@code db/} (a directory) or {@code .env} (a file). */
    public static SharedPath parse(String text) {
        boolean directory = text.endsWith("/");
        String path = directory ? text.substring(0, text.length() - 1) : text;
        if (path.isEmpty()) {
            throw new IllegalArgumentException("must name a path inside the release, such as db/ or .env");
        }
        return new SharedPath(ValueRules.releasePath(path), directory);
    }

    /** Whether {@code other} is this path or lies inside it (this being a directory). */
    public boolean covers(String other) {
        return other.equals(path) || (directory && other.startsWith(path + "/"));
    }

    /** As written in desired state: directories with their trailing {@code /}. */
    @Override
    public String toString() {
        return directory ? path + "/" : path;
    }
}
