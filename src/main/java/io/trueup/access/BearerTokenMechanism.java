package io.trueup.access;

import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;

/**
 * {@code Authorization: Bearer <token>}, checked by {@link TokenIdentityProvider}. A wrong token is
 * refused (401) wherever it is sent but to the webhooks and health, which ignore the header; no header leaves the request to the dashboard's login cookie,
 * or anonymous. While no token is configured at all, the header is left alone (the actions then
 * answer 403 themselves). Its challenge is a 401 with {@code WWW-Authenticate: Bearer}, except on
 * the dashboard, where Quarkus's form login takes over and redirects to the login page.
 */
@ApplicationScoped
public class BearerTokenMechanism implements HttpAuthenticationMechanism {

    private static final String SCHEME = "bearer";

    @Inject
    AccessTokens tokens;

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (!tokens.any() || Pages.ignoresBearer(context.normalizedPath()) || header == null || header.length() <= SCHEME.length()
                || !header.regionMatches(true, 0, SCHEME + " ", 0, SCHEME.length() + 1)) {
            return Uni.createFrom().nullItem();
        }
        String token = header.substring(SCHEME.length() + 1).strip();
        return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(
                new TokenAuthenticationRequest(new TokenCredential(token, SCHEME)), context));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        if (Pages.isPage(context.normalizedPath())) {
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenAuthenticationRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, SCHEME));
    }

    /** Before the form login, so that the API's challenge is a 401 rather than a redirect. */
    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 1;
    }
}
