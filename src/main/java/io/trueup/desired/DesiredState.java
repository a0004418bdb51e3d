package io.trueup.desired;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Desired state read from one commit of the desired-state repository: an entry per
 * app/environment, plus problems that belong to no single app/environment (for example a
 * file in a place trueup does not read).
 *
 * @param revision the desired-state commit id
 * @param entries per app/environment, sorted
 * @param problems problems not tied to an app/environment
 */
public record DesiredState(String revision, SortedMap<AppEnv, DesiredEntry> entries, List<Problem> problems) {

    public DesiredState {
        entries = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(entries));
        problems = List.copyOf(problems);
    }

    public static DesiredState of(String revision, Map<AppEnv, DesiredEntry> entries, List<Problem> problems) {
        return new DesiredState(revision, new TreeMap<>(entries), problems);
    }
}
