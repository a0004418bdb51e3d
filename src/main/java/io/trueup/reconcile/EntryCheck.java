package io.trueup.reconcile;

import io.trueup.desired.DesiredEntry;
import io.trueup.desired.Problem;
import io.trueup.render.ConfigRenderer;
import java.util.List;
import java.util.Map;

/**
 * What makes a parsed desired-state entry fit for hosts, beyond parsing: its app repository
 * holds the pinned commit and requirements ({@link SourceCheck}), and its config renders for
 * every host ({@link ConfigRenderer}). The newest desired state and a last valid one brought
 * back after a restart go through the same check. Thread-safe when its parts are.
 */
final class EntryCheck {

    private final SourceCheck sourceCheck;
    private final ConfigRenderer renderer;

    EntryCheck(SourceCheck sourceCheck, ConfigRenderer renderer) {
        this.sourceCheck = sourceCheck;
        this.renderer = renderer;
    }

    /**
     * The entry fit for hosts: valid with its config rendered, or invalid with what stops it.
     * {@code files} are the desired-state files the entry was read from.
     */
    DesiredEntry check(DesiredEntry entry, Map<String, byte[]> files) {
        if (!(entry instanceof DesiredEntry.Valid valid)) {
            return entry;
        }
        List<Problem> problems = sourceCheck.check(valid.spec(), files);
        if (!problems.isEmpty()) {
            return new DesiredEntry.Invalid(entry.id(), problems);
        }
        return switch (renderer.render(valid.spec(), files)) {
            case ConfigRenderer.Rendering.Rendered rendered -> new DesiredEntry.Valid(rendered.spec());
            case ConfigRenderer.Rendering.Failed failed -> new DesiredEntry.Invalid(entry.id(), failed.problems());
        };
    }
}
