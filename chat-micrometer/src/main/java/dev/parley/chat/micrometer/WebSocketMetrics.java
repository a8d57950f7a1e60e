package dev.parley.chat.micrometer;

import dev.parley.chat.transport.websocket.ChatWebSocket;
import dev.parley.chat.transport.websocket.ChatWebSocketMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The WebSocket transport's meters, read from {@link ChatWebSocket#metrics()} when the registry asks (nothing is
 * counted twice). Needs {@code chat-transport-websocket}, an optional dependency of this module.
 *
 * <table>
 * <caption>Meters, with their names as the Prometheus registry renders them</caption>
 * <tr><th>meter</th><th>Prometheus</th><th>what</th></tr>
 * <tr><td>{@code parley.ws.connections} (gauge)</td><td>{@code parley_ws_connections}</td>
 *     <td>open connections</td></tr>
 * <tr><td>{@code parley.ws.authenticated.connections} (gauge)</td>
 *     <td>{@code parley_ws_authenticated_connections}</td><td>open connections that completed {@code auth}</td></tr>
 * <tr><td>{@code parley.ws.frames.in} (counter)</td><td>{@code parley_ws_frames_in_total}</td>
 *     <td>text frames received</td></tr>
 * <tr><td>{@code parley.ws.frames.out} (counter)</td><td>{@code parley_ws_frames_out_total}</td>
 *     <td>text frames sent</td></tr>
 * <tr><td>{@code parley.ws.events.encoded} (counter)</td><td>{@code parley_ws_events_encoded_total}</td>
 *     <td>events and replies encoded to JSON (a live event shared by many sockets counts once)</td></tr>
 * <tr><td>{@code parley.ws.slow.consumer.closes} (counter)</td><td>{@code parley_ws_slow_consumer_closes_total}</td>
 *     <td>connections closed as slow consumers</td></tr>
 * <tr><td>{@code parley.ws.errors} (counter, tag {@code code})</td><td>{@code parley_ws_errors_total}</td>
 *     <td>error frames and policy closes by code</td></tr>
 * </table>
 *
 * <p>A code appears once the transport has counted it: the binder adds its counter when it next reads the snapshot
 * (at the latest the scrape after), with its full count. Codes are a bounded set. Thread-safe; may be bound to
 * several registries. The registry holds the {@link ChatWebSocket} weakly, as Micrometer does.
 */
public final class WebSocketMetrics implements MeterBinder {
    private final Object source;
    private final Supplier<ChatWebSocketMetrics> snapshots;
    private final Tags tags;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final Set<String> codes = ConcurrentHashMap.newKeySet();

    /**
     * Meters without extra tags.
     *
     * @param webSocket the transport to read
     */
    public WebSocketMetrics(ChatWebSocket webSocket) {
        this(webSocket, Tags.empty());
    }

    /**
     * Meters with extra tags.
     *
     * @param webSocket the transport to read
     * @param tags added to every meter
     */
    public WebSocketMetrics(ChatWebSocket webSocket, Iterable<Tag> tags) {
        this(webSocket, Objects.requireNonNull(webSocket, "webSocket == null")::metrics, tags);
    }

    /** For tests: {@code source} is what the registry holds weakly, {@code snapshots} gives the counters. */
    WebSocketMetrics(Object source, Supplier<ChatWebSocketMetrics> snapshots, Iterable<Tag> tags) {
        this.source = source;
        this.snapshots = snapshots;
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags == null"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry == null");
        gauge(registry, "parley.ws.connections", "Open WebSocket connections", m -> m.connections());
        gauge(registry, "parley.ws.authenticated.connections", "Open authenticated WebSocket connections",
                m -> m.authenticatedConnections());
        counter(registry, "parley.ws.frames.in", "Text frames received", m -> m.framesIn());
        counter(registry, "parley.ws.frames.out", "Text frames sent", m -> m.framesOut());
        counter(registry, "parley.ws.events.encoded", "Events and replies encoded to JSON", m -> m.eventsEncoded());
        counter(registry, "parley.ws.slow.consumer.closes", "Connections closed as slow consumers",
                m -> m.slowConsumerCloses());
        registries.add(registry);
        for (String code : codes) {
            errorCounter(registry, code);
        }
        read(); // codes counted before binding
    }

    private void gauge(MeterRegistry registry, String name, String description,
            ToDoubleFunction<ChatWebSocketMetrics> value) {
        Gauge.builder(name, source, s -> value.applyAsDouble(read())).tags(tags).description(description)
                .register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description,
            ToDoubleFunction<ChatWebSocketMetrics> value) {
        FunctionCounter.builder(name, source, s -> value.applyAsDouble(read())).tags(tags).description(description)
                .register(registry);
    }

    private void errorCounter(MeterRegistry registry, String code) {
        FunctionCounter.builder("parley.ws.errors", source,
                        s -> read().errorsByCode().getOrDefault(code, 0L).doubleValue())
                .tags(tags).tag("code", code).description("Error frames and policy closes by code")
                .register(registry);
    }

    /** A snapshot; registers a counter for each code not seen before. */
    private ChatWebSocketMetrics read() {
        ChatWebSocketMetrics m = snapshots.get();
        for (String code : m.errorsByCode().keySet()) {
            if (codes.add(code)) {
                for (MeterRegistry registry : registries) {
                    errorCounter(registry, code);
                }
            }
        }
        return m;
    }
}
