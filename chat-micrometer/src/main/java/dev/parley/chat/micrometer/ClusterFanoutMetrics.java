package dev.parley.chat.micrometer;

import dev.parley.chat.core.cluster.ClusterFanout;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * A cluster node's bus meters, read from {@link ClusterFanout#state()} and {@link ClusterFanout#stats()} when the
 * registry asks.
 *
 * <table>
 * <caption>Meters, with their names as the Prometheus registry renders them</caption>
 * <tr><th>meter</th><th>Prometheus</th><th>what</th></tr>
 * <tr><td>{@code parley.bus.connected} (gauge)</td><td>{@code parley_bus_connected}</td>
 *     <td>1 while the bus is connected and the last probe came back, else 0</td></tr>
 * <tr><td>{@code parley.bus.queued} (gauge)</td><td>{@code parley_bus_queued}</td>
 *     <td>payloads waiting in the receive queue</td></tr>
 * <tr><td>{@code parley.bus.received} (counter)</td><td>{@code parley_bus_received_total}</td>
 *     <td>payloads received, this node's own included</td></tr>
 * <tr><td>{@code parley.bus.overflows} (counter)</td><td>{@code parley_bus_overflows_total}</td>
 *     <td>payloads dropped by a full receive queue (each makes every room re-check)</td></tr>
 * <tr><td>{@code parley.bus.resyncs} (counter)</td><td>{@code parley_bus_resyncs_total}</td>
 *     <td>times every room re-checked its position (reconnects, overflows, other nodes rejoining)</td></tr>
 * <tr><td>{@code parley.bus.disconnects} (counter)</td><td>{@code parley_bus_disconnects_total}</td>
 *     <td>connections lost or found deaf</td></tr>
 * <tr><td>{@code parley.bus.deaf.probes} (counter)</td><td>{@code parley_bus_deaf_probes_total}</td>
 *     <td>times the probe found the bus connected but silent</td></tr>
 * <tr><td>{@code parley.bus.publish.failures} (counter)</td><td>{@code parley_bus_publish_failures_total}</td>
 *     <td>payloads the bus refused or dropped (other nodes repair by their position checks)</td></tr>
 * </table>
 *
 * <p>Thread-safe; may be bound to several registries. The registry holds the {@link ClusterFanout} weakly, as
 * Micrometer does.
 */
public final class ClusterFanoutMetrics implements MeterBinder {
    private final ClusterFanout cluster;
    private final Tags tags;

    /**
     * Meters without extra tags.
     *
     * @param cluster the fan-out to read
     */
    public ClusterFanoutMetrics(ClusterFanout cluster) {
        this(cluster, Tags.empty());
    }

    /**
     * Meters with extra tags.
     *
     * @param cluster the fan-out to read
     * @param tags added to every meter
     */
    public ClusterFanoutMetrics(ClusterFanout cluster, Iterable<Tag> tags) {
        this.cluster = Objects.requireNonNull(cluster, "cluster == null");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags == null"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("parley.bus.connected", cluster, c -> c.state() == ClusterFanout.State.CONNECTED ? 1 : 0)
                .tags(tags).description("1 while the cluster bus is connected and answers probes")
                .register(registry);
        Gauge.builder("parley.bus.queued", cluster, c -> c.stats().queued()).tags(tags)
                .description("Payloads waiting in the receive queue").register(registry);
        counter(registry, "parley.bus.received", "Payloads received from the bus", ClusterFanout.Stats::received);
        counter(registry, "parley.bus.overflows",
                "Payloads dropped because the receive queue was full (each overflow re-checks every room)",
                ClusterFanout.Stats::overflows);
        counter(registry, "parley.bus.resyncs",
                "Times every room re-checked its position against the database", ClusterFanout.Stats::resyncs);
        counter(registry, "parley.bus.disconnects", "Bus connections lost or found deaf",
                ClusterFanout.Stats::disconnects);
        counter(registry, "parley.bus.deaf.probes", "Times the self-probe found the bus connected but silent",
                ClusterFanout.Stats::deafProbes);
        counter(registry, "parley.bus.publish.failures",
                "Payloads the bus refused or dropped (other nodes repair by their position checks)",
                ClusterFanout.Stats::publishFailures);
    }

    private void counter(MeterRegistry registry, String name, String description,
            ToLongFunction<ClusterFanout.Stats> value) {
        FunctionCounter.builder(name, cluster, c -> value.applyAsLong(c.stats())).tags(tags)
                .description(description).register(registry);
    }
}
