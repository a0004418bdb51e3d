package io.trueup.dashboard;

import io.trueup.desired.ReleaseId;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/** How the dashboard words commits, times and durations. Pure. */
final class Words {

    /** Shown where a value is not known. */
    static final String NONE = "—";

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Words() {
    }

    /** A commit id abbreviated to 7 characters, with the full id kept for a title. */
    static Page.Commit commit(Optional<String> sha) {
        return sha.filter(s -> !s.isBlank())
                .map(s -> new Page.Commit(s.length() > 7 ? s.substring(0, 7) : s, s))
                .orElse(new Page.Commit(NONE, ""));
    }

    /**
     * A release a host runs: its SHA abbreviated, and the hash of its rendered config when it has
     * one ({@code abc1234-0123456789ab}); the whole name for a title.
     */
    static Page.Commit release(Optional<String> release) {
        return release.flatMap(r -> ReleaseId.parse(r).map(id -> new Page.Commit(id.abbrev(), r)))
                .orElseGet(() -> commit(release));
    }

    static Page.Commit commit(String sha) {
        return commit(Optional.ofNullable(sha));
    }

    /** {@code 2025-01-02 03:04:05 UTC (12 s ago)}. */
    static String time(Instant at, Instant now) {
        return UTC.format(at) + " (" + ago(Duration.between(at, now)) + ")";
    }

    /** A time still to come: {@code 2026-12-06 12:00:00 UTC (in 4 min)}. */
    static String until(Instant at, Instant now) {
        return UTC.format(at) + " (in " + ago(Duration.between(now, at)).replace(" ago", "") + ")";
    }

    static String time(Optional<Instant> at, Instant now) {
        return at.map(t -> time(t, now)).orElse("never");
    }

    static String ago(Duration since) {
        long s = Math.max(0, since.toSeconds());
        if (s < 120) {
            return s + " s ago";
        }
        if (s < 120 * 60) {
            return s / 60 + " min ago";
        }
        if (s < 48 * 3600) {
            return s / 3600 + " h ago";
        }
        return s / 86400 + " days ago";
    }

    /** {@code 4.2 s}, or {@code 3 min 5 s}. */
    static String took(Duration took) {
        if (took.toSeconds() < 60) {
            return String.format(java.util.Locale.ROOT, "%.1f s", took.toMillis() / 1000.0);
        }
        return took.toMinutes() + " min " + took.toSecondsPart() + " s";
    }
}
