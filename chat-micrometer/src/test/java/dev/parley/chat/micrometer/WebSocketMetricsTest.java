package dev.parley.chat.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.core.ChatService;
import dev.parley.chat.core.memory.InMemoryChatStorage;
import dev.parley.chat.testkit.FastTestPasswordHasher;
import dev.parley.chat.transport.websocket.ChatWebSocket;
import dev.parley.chat.transport.websocket.ChatWebSocketMetrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class WebSocketMetricsTest {
    private final AtomicReference<ChatWebSocketMetrics> current = new AtomicReference<>(
            new ChatWebSocketMetrics(0, 0, 0, 0, 0, 0, Map.of()));
    private final Supplier<ChatWebSocketMetrics> snapshots = current::get;

    @Test
    void readsTheTransportsCountersWhenAsked() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new WebSocketMetrics(snapshots, snapshots, Tags.empty()).bindTo(registry);
        current.set(new ChatWebSocketMetrics(3, 2, 40, 50, 60, 1, Map.of()));

        assertThat(registry.get("parley.ws.connections").gauge().value()).isEqualTo(3);
        assertThat(registry.get("parley.ws.authenticated.connections").gauge().value()).isEqualTo(2);
        assertThat(registry.get("parley.ws.frames.in").functionCounter().count()).isEqualTo(40);
        assertThat(registry.get("parley.ws.frames.out").functionCounter().count()).isEqualTo(50);
        assertThat(registry.get("parley.ws.events.encoded").functionCounter().count()).isEqualTo(60);
        assertThat(registry.get("parley.ws.slow.consumer.closes").functionCounter().count()).isEqualTo(1);
    }

    @Test
    void anErrorCodeGetsItsCounterOnceTheTransportCountedIt() {
        current.set(new ChatWebSocketMetrics(0, 0, 0, 0, 0, 0, Map.of("rate_limited", 2L)));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new WebSocketMetrics(snapshots, snapshots, Tags.empty()).bindTo(registry);
        assertThat(registry.get("parley.ws.errors").tag("code", "rate_limited").functionCounter().count())
                .isEqualTo(2);
        assertThat(registry.find("parley.ws.errors").tag("code", "invalid_token").functionCounter()).isNull();

        current.set(new ChatWebSocketMetrics(0, 0, 0, 0, 0, 0, Map.of("rate_limited", 3L, "invalid_token", 1L)));
        registry.get("parley.ws.frames.in").functionCounter().count(); // any read, as a scrape's, finds new codes
        assertThat(registry.get("parley.ws.errors").tag("code", "invalid_token").functionCounter().count())
                .isEqualTo(1);
        assertThat(registry.get("parley.ws.errors").tag("code", "rate_limited").functionCounter().count())
                .isEqualTo(3);
    }

    @Test
    void bindsARealTransportAndRendersPrometheusNames() {
        try (ChatService chat = ChatService.builder().storage(InMemoryChatStorage.create())
                .passwordHasher(new FastTestPasswordHasher()).build();
                ChatWebSocket ws = ChatWebSocket.builder(chat).build()) {
            PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new WebSocketMetrics(ws).bindTo(prometheus);
            assertThat(prometheus.scrape()).contains("parley_ws_connections 0")
                    .contains("parley_ws_authenticated_connections 0")
                    .contains("# TYPE parley_ws_frames_in_total counter")
                    .contains("parley_ws_frames_out_total 0")
                    .contains("parley_ws_events_encoded_total ")
                    .contains("parley_ws_slow_consumer_closes_total 0");
        }
    }
}
