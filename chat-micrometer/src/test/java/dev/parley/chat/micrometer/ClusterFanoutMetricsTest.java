package dev.parley.chat.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.core.cluster.ClusterFanout;
import dev.parley.chat.core.spi.Bus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClusterFanoutMetricsTest {
    /** A bus that connects at once, loops every payload back, and reports a fixed number of drops. */
    private static final class LoopbackBus implements Bus {
        private volatile Receiver receiver;

        @Override
        public void start(Receiver receiver) {
            this.receiver = receiver;
            receiver.onConnected();
        }

        @Override
        public void publish(String payload) {
            receiver.onMessage(payload);
        }

        @Override
        public int maxPayloadBytes() {
            return 8_000;
        }

        @Override
        public void reconnect() {
            receiver.onConnected();
        }

        @Override
        public long dropped() {
            return 4;
        }

        @Override
        public void close() {
        }

        void disconnect() {
            receiver.onDisconnected("test");
        }
    }

    @Test
    void readsStateAndStatsWhenAsked() {
        LoopbackBus bus = new LoopbackBus();
        try (ClusterFanout cluster = ClusterFanout.builder(bus).nodeId("n1").probeInterval(Duration.ofHours(1))
                .build()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new ClusterFanoutMetrics(cluster).bindTo(registry);
            assertThat(registry.get("parley.bus.connected").gauge().value()).isEqualTo(1);
            assertThat(registry.get("parley.bus.publish.failures").functionCounter().count()).isEqualTo(4);
            assertThat(registry.get("parley.bus.queued").gauge().value()).isZero();

            double before = registry.get("parley.bus.received").functionCounter().count();
            bus.publish("not a payload anyone reads");
            assertThat(registry.get("parley.bus.received").functionCounter().count()).isEqualTo(before + 1);

            bus.disconnect();
            assertThat(registry.get("parley.bus.connected").gauge().value()).isZero();
            assertThat(registry.get("parley.bus.disconnects").functionCounter().count()).isEqualTo(1);
            assertThat(registry.get("parley.bus.overflows").functionCounter().count()).isZero();
            assertThat(registry.get("parley.bus.deaf.probes").functionCounter().count()).isZero();
            assertThat(registry.get("parley.bus.resyncs").functionCounter().count()).isNotNegative();
        }
    }

    @Test
    void thePrometheusRegistryRendersPrometheusNames() {
        try (ClusterFanout cluster = ClusterFanout.builder(new LoopbackBus()).build()) {
            PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new ClusterFanoutMetrics(cluster).bindTo(prometheus);
            assertThat(prometheus.scrape()).contains("parley_bus_connected 1")
                    .contains("parley_bus_queued ")
                    .contains("# TYPE parley_bus_received_total counter")
                    .contains("parley_bus_overflows_total ")
                    .contains("parley_bus_resyncs_total ")
                    .contains("parley_bus_disconnects_total 0")
                    .contains("parley_bus_deaf_probes_total 0")
                    .contains("parley_bus_publish_failures_total 4");
        }
    }
}
