package io.trueup.api;

import io.trueup.desired.AppEnv;
import io.trueup.status.StatusBoard;
import io.trueup.store.Leases;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Reconcile status as JSON: everything, or one app/environment. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {

    @Inject
    StatusBoard board;

    @Inject
    Leases leases;

    @GET
    @Path("/status")
    public StatusView status() {
        return StatusView.of(board.desired(), board.apps(), leases);
    }

    @GET
    @Path("/apps/{app}/{env}")
    public AppView app(@PathParam("app") String app, @PathParam("env") String env) {
        if (!AppEnv.NAME.matcher(app).matches() || !AppEnv.NAME.matcher(env).matches()) {
            throw new NotFoundException("no app/environment " + app + "/" + env);
        }
        return board.app(new AppEnv(app, env)).map(s -> AppView.of(s, leases))
                .orElseThrow(() -> new NotFoundException("no app/environment " + app + "/" + env));
    }
}
