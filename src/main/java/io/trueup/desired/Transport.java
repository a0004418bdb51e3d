package io.trueup.desired;

/**
 * How an app's release reaches its hosts ({@code transport} in app.yaml): its commit's objects
 * pushed into the host's {@code repo.git} and cloned there ({@link #GIT}, the default), or its
 * tree sent as an archive and unpacked there ({@link #ARCHIVE}), for hosts without git.
 */
public enum Transport {
    GIT("git"),
    ARCHIVE("archive");

    private final String word;

    Transport(String word) {
        this.word = word;
    }

    public static Transport parse(String text) {
        for (Transport value : values()) {
            if (value.word.equals(text)) {
                return value;
            }
        }
        throw new IllegalArgumentException("must be git or archive");
    }

    @Override
    public String toString() {
        return word;
    }
}
