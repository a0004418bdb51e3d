package io.trueup.cli;

import io.trueup.desired.AppEnv;
import io.trueup.desired.DesiredEntry;
import io.trueup.desired.DesiredState;
import io.trueup.render.ConfigRenderer;
import java.util.Map;
import java.util.TreeMap;

/**
 * Desired state as trueup would deploy it: each valid app/environment with its config rendered,
 * or invalid with the problems rendering met. Pure, given the renderer.
 */
final class Renderings {

    private Renderings() {
    }

    /** {@code state}, with each valid entry's config rendered from {@code files} by {@code renderer}. */
    static DesiredState of(DesiredState state, Map<String, byte[]> files, ConfigRenderer renderer) {
        Map<AppEnv, DesiredEntry> entries = new TreeMap<>();
        state.entries().forEach((id, entry) -> entries.put(id, switch (entry) {
            case DesiredEntry.Invalid invalid -> invalid;
            case DesiredEntry.Valid valid -> switch (renderer.render(valid.spec(), files)) {
                case ConfigRenderer.Rendering.Rendered rendered -> new DesiredEntry.Valid(rendered.spec());
                case ConfigRenderer.Rendering.Failed failed -> new DesiredEntry.Invalid(id, failed.problems());
            };
        }));
        return DesiredState.of(state.revision(), entries, state.problems());
    }
}
