package io.trueup.api;

import io.trueup.config.TrueupConfig;
import io.trueup.desired.AppEnv;
import io.trueup.reconcile.ControlStore;
import io.trueup.reconcile.Reconciler;
import io.trueup.rollout.RolloutStore;
import io.trueup.status.StatusBoard;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * An operator's actions on one app/environment: retry a halted rollout, pause and resume
 * reconciling (a running rollout stops before its next batch, and goes on from there), abort the
 * running rollout, undeploy the hosts that left desired state. Each needs
 * {@code Authorization: Bearer <trueup.api.token>}: 401 without it,
 * 403 when no token is configured (the actions are then disabled).
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class ControlResource {

    /** What an action did. */
    public record ActionView(String app, String env, String action, String result) {
    }

    @Inject
    TrueupConfig config;

    @Inject
    ControlStore control;

    @Inject
    Reconciler reconciler;

    @Inject
    StatusBoard board;

    @Inject
    RolloutStore rollouts;

    @POST
    @Path("/apps/{app}/{env}/retry")
    public Response retry(@PathParam("app") String app, @PathParam("env") String env,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return act(app, env, authorization, "retry", id -> {
            boolean halted = control.clearHalt(id);
            reconciler.reconcileSoon(id);
            return halted ? "halt cleared; reconciling now" : "not halted; reconciling now";
        });
    }

    @POST
    @Path("/apps/{app}/{env}/pause")
    public Response pause(@PathParam("app") String app, @PathParam("env") String env,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return act(app, env, authorization, "pause", id -> {
            control.pause(id, true);
            board.update(id, s -> s.withPaused(true));
            return rollouts.get(id).isPresent()
                    ? "paused: the running rollout stops before its next batch (hosts mid-step finish that step)"
                    : "paused: hosts are inspected and reported, not changed";
        });
    }

    @POST
    @Path("/apps/{app}/{env}/resume")
    public Response resume(@PathParam("app") String app, @PathParam("env") String env,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return act(app, env, authorization, "resume", id -> {
            control.pause(id, false);
            board.update(id, s -> s.withPaused(false));
            reconciler.reconcileSoon(id);
            return rollouts.get(id).isPresent() ? "resumed; the rollout goes on from where it stopped"
                    : "resumed; reconciling now";
        });
    }

    @POST
    @Path("/apps/{app}/{env}/abort")
    public Response abort(@PathParam("app") String app, @PathParam("env") String env,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return act(app, env, authorization, "abort", id -> {
            if (!rollouts.abort(id)) {
                return "no rollout running; nothing to abort";
            }
            reconciler.reconcileSoon(id);
            return "aborting: the hosts this rollout switched go back to their previous release once the hosts"
                    + " mid-step finish that step; then it halts until desired state changes or a retry";
        });
    }

    /**
     * Undeploys the hosts of the app/environment that left desired state (all of them when its
     * environment file was removed): runs its {@code stop} there and removes {@code current}.
     * 404 when none is pending undeploy.
     */
    @POST
    @Path("/apps/{app}/{env}/undeploy")
    public Response undeploy(@PathParam("app") String app, @PathParam("env") String env,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return act(app, env, authorization, "undeploy", id -> !reconciler.pendingUndeploys(id).isEmpty(),
                "nothing to undeploy: no host of " + app + "/" + env + " left desired state", id -> {
            String hosts = reconciler.pendingUndeploys(id).stream().map(Object::toString)
                    .collect(java.util.stream.Collectors.joining(", "));
            return reconciler.undeployNow(id, true).isPresent() ? "undeploying " + hosts
                    : "undeploying " + hosts + " once the reconcile running now ends";
        });
    }

    private Response act(String app, String env, String authorization, String action,
            java.util.function.Function<AppEnv, String> doIt) {
        return act(app, env, authorization, action, reconciler::knows, "no app/environment " + app + "/" + env, doIt);
    }

    private Response act(String app, String env, String authorization, String action,
            java.util.function.Predicate<AppEnv> exists, String notFound,
            java.util.function.Function<AppEnv, String> doIt) {
        if (config.api().token().filter(t -> !t.isBlank()).isEmpty()) {
            return error(Response.Status.FORBIDDEN, "API actions are disabled: set trueup.api.token to enable them");
        }
        if (!authorized(authorization, config.api().token().get())) {
            return Response.status(Response.Status.UNAUTHORIZED).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                    .entity(new ErrorView("missing or wrong bearer token")).build();
        }
        if (!AppEnv.NAME.matcher(app).matches() || !AppEnv.NAME.matcher(env).matches()
                || !exists.test(new AppEnv(app, env))) {
            return error(Response.Status.NOT_FOUND, notFound);
        }
        AppEnv id = new AppEnv(app, env);
        return Response.accepted(new ActionView(app, env, action, doIt.apply(id))).build();
    }

    private static boolean authorized(String header, String token) {
        String prefix = "Bearer ";
        if (header == null || !header.startsWith(prefix)) {
            return false;
        }
        byte[] given = header.substring(prefix.length()).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8));
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).entity(new ErrorView(message)).build();
    }

    /** An error body. */
    public record ErrorView(String error) {
    }
}
