package io.trueup.dashboard;

import io.trueup.desired.AppEnv;
import io.trueup.reconcile.RolloutHistory;
import io.trueup.status.AppStatus;
import io.trueup.status.DesiredStateStatus;
import io.trueup.status.HostState;
import io.trueup.status.HostStatus;
import io.trueup.status.SyncStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Maps the status board and the rollout history to the dashboard's {@link Page}. Pure: {@code now} is given. */
final class Pages {

    /** How many of an app/environment's recent rollouts the page shows. */
    static final int ROLLOUTS_SHOWN = 5;

    /** How often the browser reloads the page. */
    static final int REFRESH_SECONDS = 5;

    private Pages() {
    }

    static Page page(DesiredStateStatus desired, List<AppStatus> apps,
            Function<AppEnv, List<RolloutHistory.Entry>> history, Instant now) {
        return new Page(desired(desired, now),
                apps.stream().map(a -> app(a, history.apply(a.id()), now)).toList(),
                Words.time(now, now).replace(" (0 s ago)", ""), REFRESH_SECONDS);
    }

    static Page.Desired desired(DesiredStateStatus d, Instant now) {
        return new Page.Desired(d.url().orElse(Words.NONE), d.branch(), Words.commit(d.revision()),
                Words.time(d.fetchedAt(), now), d.error().orElse(null),
                d.problems().stream().map(Object::toString).toList());
    }

    static Page.App app(AppStatus s, List<RolloutHistory.Entry> history, Instant now) {
        Page.Commit desired = Words.commit(s.sha());
        return new Page.App(s.id().app(), s.id().env(), s.status().name(), tone(s.status()), s.paused(),
                s.status() == SyncStatus.Halted, desired, s.error().orElse(null),
                s.problems().stream().map(Object::toString).toList(), running(s, desired, now),
                s.hosts().stream().map(h -> host(h, s.sha())).toList(),
                history.stream().limit(ROLLOUTS_SHOWN).map(e -> Rollouts.rollout(e, now)).toList(),
                Words.time(s.updated(), now));
    }

    static Page.Host host(HostStatus h, Optional<String> desiredSha) {
        return new Page.Host(h.host().toString(), h.state().name(), tone(h.state()), Words.release(h.release()),
                Words.commit(desiredSha), h.sha().isPresent() && h.sha().equals(desiredSha), h.step().orElse(null),
                h.error().orElse(null),
                h.drift().stream().map(d -> d.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')).sorted()
                        .toList(),
                h.detail());
    }

    /** {@code Rolling out abc1234: host1 (switch), host2 (build-env)} while a rollout runs, else null. */
    static String running(AppStatus s, Page.Commit desired, Instant now) {
        if (s.status() != SyncStatus.Progressing && s.rollout().isEmpty()) {
            return null;
        }
        String steps = s.hosts().stream().filter(h -> h.state() == HostState.Deploying)
                .map(h -> h.host() + h.step().map(step -> " (" + step + ")").orElse(""))
                .collect(Collectors.joining(", "));
        String rollout = s.rollout().map(r -> ", batch " + r.batch() + " of " + r.batches()
                + r.nextAt().filter(now::isBefore).map(at -> ", next batch at " + Words.until(at, now)).orElse("")
                + (r.aborting() ? ", aborting" : "") + "; hosts: " + r.hosts().stream()
                        .map(h -> h.host() + " " + h.phase()).collect(Collectors.joining(", "))).orElse("");
        return "Rolling out " + desired.shown() + rollout + (steps.isEmpty() ? ""
                : (rollout.isEmpty() ? ": " : "; now: ") + steps);
    }

    static String tone(SyncStatus status) {
        return switch (status) {
            case Synced -> "ok";
            case Progressing -> "busy";
            case OutOfSync, PendingUndeploy -> "warn";
            case Degraded, Halted, Invalid -> "bad";
        };
    }

    static String tone(HostState state) {
        return switch (state) {
            case Synced -> "ok";
            case Deploying -> "busy";
            case OutOfSync, Unknown, PendingUndeploy -> "warn";
            case Failed, Unreachable -> "bad";
        };
    }
}
