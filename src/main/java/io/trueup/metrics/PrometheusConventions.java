package io.trueup.metrics;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.lang.management.ManagementFactory;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Makes the whole scrape, not only trueup's own meters, pass {@code promtool check metrics}:
 * <ul>
 * <li>{@code /q/metrics} answers in the Prometheus text format to a client that does not name
 * OpenMetrics ({@code curl} sends {@code Accept: *}{@code /*}), as Prometheus' own client
 * libraries do; Quarkus would answer OpenMetrics, which promtool cannot read. Headers that
 * name OpenMetrics are left to Quarkus (it answers text too when they also list
 * {@code text/plain}, as Prometheus' does).</li>
 * <li>Meters that libraries register without a description get one (promtool: "no help text").</li>
 * <li>The gauge {@code system.cpu.count} is served as {@code system_cpu_available} (promtool:
 * a gauge must not end in {@code _count}).</li>
 * <li>Micrometer's {@code process.cpu.time}, in nanoseconds, is replaced by the conventional
 * {@code process_cpu_seconds_total}.</li>
 * <li>Long task timers are not served: this registry renders them as summaries without their
 * own samples, which Prometheus' text format rejects. trueup has none; Quarkus' only one is
 * {@code http.server.connections}.</li>
 * </ul>
 */
@ApplicationScoped
public class PrometheusConventions {

    static final Map<String, String> RENAMED = Map.of("system.cpu.count", "system.cpu.available");

    @ConfigProperty(name = "quarkus.micrometer.export.prometheus.path", defaultValue = "/q/metrics")
    String path;

    @Produces
    @Singleton
    MeterFilter promtoolClean() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return conventional(id);
            }

            @Override
            public MeterFilterReply accept(Meter.Id id) {
                return id.getType() == Meter.Type.LONG_TASK_TIMER || id.getName().equals("process.cpu.time")
                        ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
            }
        };
    }

    /** The CPU time of trueup's process, as Prometheus' own clients name it. */
    void processCpuSeconds(@Observes StartupEvent start, MeterRegistry registry) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9).baseUnit("seconds")
                    .description("CPU time used by trueup's process").register(registry);
        }
    }

    /** {@code id} with a name that does not look like a histogram's, and help text. */
    static Meter.Id conventional(Meter.Id id) {
        String name = RENAMED.getOrDefault(id.getName(), id.getName());
        String description = id.getDescription() == null || id.getDescription().isBlank()
                ? "Meter " + id.getName() + ", registered without a description" : id.getDescription();
        if (name.equals(id.getName()) && description.equals(id.getDescription())) {
            return id;
        }
        return new Meter.Id(name, Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), description, id.getType());
    }

    void textFormatByDefault(@Observes Filters filters) {
        filters.register(rc -> {
            String accept = rc.request().getHeader("Accept");
            if (rc.request().path().equals(path) && (accept == null || !accept.contains("openmetrics"))) {
                rc.request().headers().set("Accept", "text/plain");
            }
            rc.next();
        }, 100);
    }
}
