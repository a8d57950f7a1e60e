package dev.parley.chat.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The server's Micrometer registry, scraped at {@code /metrics}: the JVM's and the process's meters, the HTTP
 * meters recorded here, and whatever the server binds to {@link #registry()} (the service, the WebSocket transport,
 * the cluster bus, the PostgreSQL pool). Tag values are bounded: methods from a fixed set, route templates, status
 * codes, and problem codes from a fixed set.
 */
final class Metrics implements AutoCloseable {
    private static final Set<String> METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Meter.MeterProvider<Timer> requests;
    private final Meter.MeterProvider<Counter> errors;

    Metrics() {
        // The process's start time, not its uptime: Prometheus computes the uptime (time() - start) itself.
        registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.uptime"));
        new UptimeMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        requests = Timer.builder("parley.http.server.requests")
                .description("HTTP requests answered, by method, route template and status")
                .withRegistry(registry);
        errors = Counter.builder("parley.http.errors").description("HTTP error responses, by problem code")
                .withRegistry(registry);
    }

    /** Where the server binds its meters. */
    MeterRegistry registry() {
        return registry;
    }

    /**
     * One HTTP request answered.
     *
     * @param method the request's method (any other than the standard ones counts as {@code other})
     * @param route the route template, never the raw path
     * @param status the response status
     * @param nanos how long it took
     */
    void request(String method, String route, int status, long nanos) {
        String m = method.toUpperCase(Locale.ROOT);
        requests.withTags("method", METHODS.contains(m) ? m : "other", "route", route,
                "status", Integer.toString(status)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One HTTP error response, by its problem code. */
    void error(String code) {
        errors.withTags("code", code).increment();
    }

    /** Every meter in the Prometheus text format 0.0.4. */
    String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
