package io.trueup.api;

import io.trueup.config.TrueupConfig;
import io.trueup.reconcile.Trigger;
import io.trueup.webhook.BoundedBody;
import io.trueup.webhook.Outcome;
import io.trueup.webhook.Webhooks;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Function;

/**
 * Webhooks that make trueup fetch desired state and reconcile now: 202 when a call triggers,
 * 200 when it is verified but ignored (a ping, another branch), 401 for a missing or wrong
 * signature or token, 403 while no {@code trueup.webhook.secret} is set, 413 for a body over
 * {@code trueup.webhook.max-body} (refused before it is read whole).
 */
@Path("/api/webhooks")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class WebhookResource {

    /** What a verified call came to. */
    public record WebhookView(String result, String reason) {
    }

    /** An error body. */
    public record ErrorView(String error) {
    }

    @Inject
    TrueupConfig config;

    @Inject
    Webhooks webhooks;

    @Inject
    Trigger trigger;

    @POST
    @Path("/github")
    public Response github(@HeaderParam("X-GitHub-Event") String event,
            @HeaderParam("X-Hub-Signature-256") String signature,
            @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long length, InputStream body) throws IOException {
        return handle(length, body, bytes -> webhooks.github(event, signature, bytes));
    }

    @POST
    @Path("/gitlab")
    public Response gitlab(@HeaderParam("X-Gitlab-Token") String token,
            @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long length, InputStream body) throws IOException {
        return handle(length, body, bytes -> webhooks.gitlab(token, bytes));
    }

    @POST
    @Path("/generic")
    public Response generic(@HeaderParam("X-Trueup-Signature") String signature,
            @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long length, InputStream body) throws IOException {
        return handle(length, body, bytes -> webhooks.generic(signature, bytes));
    }

    private Response handle(Long length, InputStream in, Function<byte[], Outcome> decide) throws IOException {
        if (!webhooks.enabled()) {
            return error(Response.Status.FORBIDDEN, Webhooks.DISABLED);
        }
        long max = config.webhook().maxBody();
        Optional<byte[]> body = length != null && length > max ? Optional.empty() : BoundedBody.read(in, max);
        if (body.isEmpty()) {
            return error(Response.Status.REQUEST_ENTITY_TOO_LARGE,
                    "body over " + max + " bytes: raise trueup.webhook.max-body to accept it");
        }
        return switch (decide.apply(body.get())) {
            case Outcome.Triggers t -> {
                trigger.request();
                yield Response.accepted(new WebhookView("triggered", t.reason())).build();
            }
            case Outcome.Ignored i -> Response.ok(new WebhookView("ignored", i.reason())).build();
            case Outcome.Unauthorized u -> error(Response.Status.UNAUTHORIZED, u.reason());
        };
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).entity(new ErrorView(message)).build();
    }
}
