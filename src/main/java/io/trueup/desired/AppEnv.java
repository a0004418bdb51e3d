package io.trueup.desired;

import java.util.regex.Pattern;

/** One app in one environment: the unit that trueup reconciles and reports on. */
public record AppEnv(String app, String env) implements Comparable<AppEnv> {

    /** What app and environment names may be: they become file names and URL segments. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    public AppEnv {
        if (app == null || !NAME.matcher(app).matches()) {
            throw new IllegalArgumentException("not an app name: " + app);
        }
        if (env == null || !NAME.matcher(env).matches()) {
            throw new IllegalArgumentException("not an environment name: " + env);
        }
    }

    @Override
    public String toString() {
        return app + "/" + env;
    }

    @Override
    public int compareTo(AppEnv other) {
        return toString().compareTo(other.toString());
    }
}
