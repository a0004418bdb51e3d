package io.trueup.dashboard;

import io.trueup.reconcile.RolloutHistory;
import java.time.Instant;

/** Maps rollout history entries to the dashboard's rows. Pure. */
final class Rollouts {

    private Rollouts() {
    }

    static Page.Rollout rollout(RolloutHistory.Entry e, Instant now) {
        return new Page.Rollout(Words.time(e.start(), now), Words.commit(e.revision()), Words.commit(e.sha()),
                e.result(), tone(e.result()), Words.took(e.duration()),
                e.hosts().stream().map(Rollouts::host).toList());
    }

    static Page.HostResult host(RolloutHistory.HostResult h) {
        return new Page.HostResult(h.host(), h.result(), tone(h.result()), h.step(), h.error());
    }

    /** {@code ok} for a success or a deploy, {@code warn} for a partial success or a revert, else {@code bad}. */
    static String tone(String result) {
        if (result.equals("succeeded") || result.equals("deployed")) {
            return "ok";
        }
        if (result.startsWith("succeeded with") || result.equals("reverted")) {
            return "warn";
        }
        return "bad";
    }
}
