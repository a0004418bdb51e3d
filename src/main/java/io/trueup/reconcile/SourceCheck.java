package io.trueup.reconcile;

import io.trueup.desired.AppSpec;
import io.trueup.desired.Problem;
import java.util.List;
import java.util.Map;

/**
 * Checks a spec against its app repository before any host sees it: the pinned SHA exists
 * and the requirements file there hashes to {@code requirementsHash}. A port, so the
 * reconciler can be tested without git.
 */
public interface SourceCheck {

    /**
     * The problems found, each naming the desired-state file and line; empty when the spec
     * holds. {@code files} are the desired-state files the spec was read from.
     */
    List<Problem> check(AppSpec spec, Map<String, byte[]> files);
}
