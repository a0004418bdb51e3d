package io.trueup.cli;

import java.util.List;

/** The app commits a SHA change brings in and takes out, or why they cannot be listed. */
sealed interface CommitLog {

    /**
     * @param added subjects of the commits the new SHA has and the old lacks, newest first
     * @param removed subjects of the commits the old SHA has and the new lacks (a rollback), newest first
     */
    record Listed(List<String> added, List<String> removed) implements CommitLog {
        public Listed {
            added = List.copyOf(added);
            removed = List.copyOf(removed);
        }
    }

    record Unavailable(String reason) implements CommitLog {
    }
}
