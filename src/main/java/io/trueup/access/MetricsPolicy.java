package io.trueup.access;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.BooleanSupplier;

/** {@code trueup-metrics}: {@code /q/metrics} needs the metrics token while one is set. */
@ApplicationScoped
public class MetricsPolicy extends GrantPolicy {

    @Inject
    AccessTokens tokens;

    public MetricsPolicy() {
        super(AccessTokens.Grant.METRICS);
    }

    @Override
    BooleanSupplier needed() {
        return tokens::metricsNeedToken;
    }

    @Override
    public String name() {
        return "trueup-metrics";
    }
}
