package io.trueup.api;

import io.trueup.status.AppStatus;
import io.trueup.status.DesiredStateStatus;
import io.trueup.store.Leases;
import java.time.Instant;
import java.util.List;

/** The body of {@code GET /api/status}. */
public record StatusView(DesiredView desiredState, List<AppView> apps) {

    /** The desired-state repository: where, which revision, when fetched, and any error. */
    public record DesiredView(String url, String branch, String revision, Instant fetchedAt, String error,
            List<String> problems) {
    }

    static StatusView of(DesiredStateStatus desired, List<AppStatus> apps, Leases leases) {
        return new StatusView(new DesiredView(desired.url().orElse(null), desired.branch(),
                desired.revision().orElse(null), desired.fetchedAt().orElse(null), desired.error().orElse(null),
                desired.problems().stream().map(Object::toString).toList()),
                apps.stream().map(a -> AppView.of(a, leases)).toList());
    }
}
