package io.trueup.dashboard;

import io.quarkus.qute.Template;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The dashboard's login page, shown while {@code trueup.api.read-token} is set: one field, the read
 * token, posted to Quarkus's form login ({@code /j_security_check}), which sets an encrypted
 * session cookie and goes back to the page first asked for.
 */
@Path("/login")
public class LoginResource {

    @Inject
    Template login;

    @GET
    @Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
    public String page() {
        return login.data("failed", false).render();
    }

    /** The same page after a wrong token. */
    @GET
    @Path("/failed")
    @Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
    public String failed() {
        return login.data("failed", true).render();
    }
}
