package io.trueup.api;

import io.trueup.store.StoreException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * With {@code trueup.store=postgresql}, a request that needs the database while it cannot be
 * reached: 503 with what failed, as readiness says DOWN, rather than a bare 500.
 */
public class StoreUnavailable {

    @ServerExceptionMapper
    public Response unavailable(StoreException e) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.APPLICATION_JSON)
                .entity(new ControlResource.ErrorView(e.getMessage())).build();
    }
}
