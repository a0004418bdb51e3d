package io.trueup.dashboard;

import io.quarkus.qute.Template;
import io.trueup.reconcile.RolloutHistory;
import io.trueup.status.StatusBoard;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;

/**
 * {@code GET /}: the operator's dashboard, one HTML page showing every app, environment and
 * host, rendered on the server and reloaded by the browser every few seconds. Reads the status
 * board and the rollout history; changes nothing.
 */
@Path("/")
public class DashboardResource {

    @Inject
    Template dashboard;

    @Inject
    StatusBoard board;

    @Inject
    RolloutHistory history;

    @Inject
    Clock clock;

    @GET
    @Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
    public String page() {
        return dashboard.data("page", Pages.page(board.desired(), board.apps(), history::recent, clock.instant()))
                .render();
    }
}
