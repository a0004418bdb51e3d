package io.trueup.access;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;

/**
 * A path policy: open while its token is not configured, else only for an identity holding its
 * grant. A denied anonymous request gets the challenge (401, or the login page on the dashboard).
 */
abstract class GrantPolicy implements HttpSecurityPolicy {

    private final AccessTokens.Grant grant;

    GrantPolicy(AccessTokens.Grant grant) {
        this.grant = grant;
    }

    abstract BooleanSupplier needed();

    @Override
    public Uni<CheckResult> checkPermission(RoutingContext request, Uni<SecurityIdentity> identity,
            AuthorizationRequestContext context) {
        if (!needed().getAsBoolean()) {
            return Uni.createFrom().item(CheckResult.PERMIT);
        }
        return identity.map(id -> id.hasRole(grant.role()) ? CheckResult.PERMIT : CheckResult.DENY);
    }
}
