package io.trueup.api;

import io.trueup.desired.AppEnv;
import io.trueup.reconcile.RolloutHistory;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The recent rollouts of one app/environment, newest first. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class HistoryResource {

    @Inject
    RolloutHistory history;

    @GET
    @Path("/apps/{app}/{env}/history")
    public List<RolloutHistory.Entry> recent(@PathParam("app") String app, @PathParam("env") String env) {
        if (!AppEnv.NAME.matcher(app).matches() || !AppEnv.NAME.matcher(env).matches()) {
            throw new NotFoundException("no app/environment " + app + "/" + env);
        }
        return history.recent(new AppEnv(app, env));
    }
}
