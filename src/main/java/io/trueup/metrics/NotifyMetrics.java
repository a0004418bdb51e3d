package io.trueup.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.trueup.notify.Deliveries;
import io.trueup.notify.Target;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Counts notifications by target and how they ended ({@code trueup_notifications_total}), each
 * configured target's series at 0 from the start. Safe to call from many threads at once.
 */
@ApplicationScoped
public class NotifyMetrics implements Deliveries {

    @Inject
    MeterRegistry registry;

    @Override
    public void known(Target target) {
        for (Result result : Result.values()) {
            counter(target, result);
        }
    }

    @Override
    public void counted(Target target, Result result) {
        counter(target, result).increment();
    }

    private Counter counter(Target target, Result result) {
        return Counter.builder("trueup.notifications").description("Notifications by target and how they ended")
                .tag("target", target.name()).tag("kind", target.kind()).tag("result", result.label())
                .register(registry);
    }
}
