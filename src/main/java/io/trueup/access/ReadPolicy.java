package io.trueup.access;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.BooleanSupplier;

/** {@code trueup-read}: the dashboard and {@code /api/*} need the read token while one is set. */
@ApplicationScoped
public class ReadPolicy extends GrantPolicy {

    @Inject
    AccessTokens tokens;

    public ReadPolicy() {
        super(AccessTokens.Grant.READ);
    }

    @Override
    BooleanSupplier needed() {
        return tokens::readsNeedToken;
    }

    @Override
    public String name() {
        return "trueup-read";
    }
}
