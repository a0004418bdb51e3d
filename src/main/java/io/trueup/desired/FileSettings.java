package io.trueup.desired;

import java.util.ArrayList;
import java.util.List;

/**
 * The checked settings of one desired-state file and the problems found in it.
 *
 * @param file the path relative to the desired-state root
 * @param settings what the file sets; empty when it could not be read
 * @param problems everything wrong with the file, in document order
 * @param readable false when the file could not be read as a mapping at all; then nothing can
 *     be said about which fields are missing
 */
record FileSettings(String file, Settings settings, List<Problem> problems, boolean readable) {

    FileSettings {
        problems = List.copyOf(problems);
    }

    /** Stands for a file that does not exist: it sets nothing and has no problems. */
    static FileSettings absent(String file) {
        return new FileSettings(file, Settings.NONE, List.of(), true);
    }

    /** These settings with one more problem. */
    FileSettings withProblem(Problem problem) {
        var all = new ArrayList<>(problems);
        all.add(problem);
        return new FileSettings(file, settings, all, readable);
    }
}
