package io.trueup.desired;

/**
 * What one file says about one field, and where: a checked value, that the field is cleared
 * (written as null, so nothing is inherited and the default applies), or a value that failed
 * its check (the problem is reported separately; the field still counts as written).
 */
sealed interface Setting {

    String file();

    int line();

    /** {@code file:line}, for messages that point at another setting. */
    default String where() {
        return line() > 0 ? file() + ":" + line() : file();
    }

    record Value(Object value, String file, int line) implements Setting {
    }

    record Cleared(String file, int line) implements Setting {
    }

    record Rejected(String file, int line) implements Setting {
    }
}
