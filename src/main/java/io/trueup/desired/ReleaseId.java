package io.trueup.desired;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which release a host runs: the app commit, and for an app with {@code config} the first 12 hex
 * characters of the hash of the files rendered into it. It names the release directory,
 * {@code releases/<sha>} or {@code releases/<sha>-<config>}, so a change of rendered config
 * makes a new release as a change of commit does.
 *
 * @param sha the app commit
 * @param config the rendered files' hash prefix, for an app with config
 */
public record ReleaseId(Sha sha, Optional<String> config) {

    private static final Pattern CONFIG = Pattern.compile("[0-9a-f]{12}");
    private static final Pattern NAME = Pattern.compile("([0-9a-f]{40})(?:-([0-9a-f]{12}))?");

    public ReleaseId {
        Objects.requireNonNull(sha);
        Objects.requireNonNull(config);
        config.ifPresent(c -> {
            if (!CONFIG.matcher(c).matches()) {
                throw new IllegalArgumentException("a release's config hash is 12 lowercase hex characters: " + c);
            }
        });
    }

    /** The release of a commit with nothing rendered into it. */
    public static ReleaseId of(Sha sha) {
        return new ReleaseId(sha, Optional.empty());
    }

    /** The release named {@code name} ({@code <sha>} or {@code <sha>-<12 hex>}), if it is such a name. */
    public static Optional<ReleaseId> parse(String name) {
        var m = name == null ? null : NAME.matcher(name);
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new ReleaseId(new Sha(m.group(1)), Optional.ofNullable(m.group(2))));
    }

    /** The release directory's name under {@code releases/}. */
    public String name() {
        return config.map(c -> sha.hex() + "-" + c).orElse(sha.hex());
    }

    /** For people: the abbreviated SHA, and the config hash when there is one. */
    public String abbrev() {
        return config.map(c -> sha.abbrev() + "-" + c).orElse(sha.abbrev());
    }

    @Override
    public String toString() {
        return name();
    }
}
