package io.trueup.desired;

import java.util.Objects;

/**
 * A file rendered from a template of the desired-state repository into each new release.
 *
 * @param template the template's path in the desired-state repository ({@code apps/<app>/settings.tmpl})
 * @param dest where the rendered file goes, relative to the release
 * @param mode its permission bits ({@code 0640})
 */
public record ConfigFile(String template, String dest, int mode) {

    /** The mode of a rendered file when {@code mode} is not given: the owner reads and writes, its group reads. */
    public static final int DEFAULT_MODE = 0640;

    public ConfigFile {
        Objects.requireNonNull(template);
        ValueRules.releasePath(dest);
        if ((mode & ~0777) != 0 || (mode & 0400) == 0) {
            throw new IllegalArgumentException("mode must be 0400 to 0777 and let the owner read: " + modeText(mode));
        }
    }

    /** The mode as desired state writes it: four octal digits. */
    public String modeText() {
        return modeText(mode);
    }

    static String modeText(int mode) {
        return String.format("%04o", mode);
    }
}
