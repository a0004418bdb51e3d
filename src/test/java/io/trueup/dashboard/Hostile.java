package io.trueup.dashboard;

import io.trueup.desired.AppEnv;
import io.trueup.desired.HostAddress;
import io.trueup.plan.Drift;
import io.trueup.status.AppStatus;
import io.trueup.status.HostState;
import io.trueup.status.HostStatus;
import io.trueup.status.StatusBoard;
import io.trueup.status.SyncStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A halted, paused app/environment whose error, step and notes are markup, put straight on the
 * status board. It is not in desired state, so the next reconcile cycle forgets it.
 */
final class Hostile {

    static final AppEnv ID = new AppEnv("evil", "prod");
    static final String ERROR = "<script>document.title='pwned'</script>";
    static final String STEP = "<b onmouseover=\"alert(1)\">switch</b>";
    static final String NOTE = "\"><img src=x onerror=\"document.title='pwned'\">";

    private Hostile() {
    }

    static void putOn(StatusBoard board) {
        HostStatus host = new HostStatus(new HostAddress("evil.example", 22), Optional.of("1".repeat(40)),
                HostState.Failed, Optional.of(STEP), Optional.of(ERROR), Set.of(Drift.WRONG_SHA), List.of(NOTE));
        board.put(new AppStatus(ID, Optional.of("2".repeat(40)), SyncStatus.Halted,
                Optional.of(ERROR), List.of(), List.of(host), true, Instant.now()));
    }
}
