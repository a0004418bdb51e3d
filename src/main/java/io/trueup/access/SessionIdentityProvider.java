package io.trueup.access;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TrustedAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The session cookie of a login (Quarkus's form authentication decrypted it): a reader, while a
 * read token is set.
 */
@ApplicationScoped
public class SessionIdentityProvider implements IdentityProvider<TrustedAuthenticationRequest> {

    static final String PRINCIPAL = "dashboard";

    @Inject
    AccessTokens tokens;

    @Override
    public Class<TrustedAuthenticationRequest> getRequestType() {
        return TrustedAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TrustedAuthenticationRequest request,
            AuthenticationRequestContext context) {
        if (!tokens.readsNeedToken() || !PRINCIPAL.equals(request.getPrincipal())) {
            return Uni.createFrom().failure(new AuthenticationFailedException("not a dashboard session"));
        }
        return Uni.createFrom().item(reader());
    }

    static SecurityIdentity reader() {
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(PRINCIPAL))
                .addRole(AccessTokens.Grant.READ.role()).build();
    }
}
