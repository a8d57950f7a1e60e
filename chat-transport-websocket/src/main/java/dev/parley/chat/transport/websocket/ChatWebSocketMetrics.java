package dev.parley.chat.transport.websocket;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A point-in-time snapshot of a {@link ChatWebSocket}'s counters. Counters only grow; {@code connections} is a
 * gauge.
 *
 * @param connections open sockets (authenticated or not)
 * @param authenticatedConnections open sockets that completed {@code auth}
 * @param framesIn text frames received
 * @param framesOut text frames written to sockets
 * @param eventsEncoded chat events and replies encoded to JSON; a live event shared by many sockets counts once
 * @param slowConsumerCloses sockets closed because their outbound queue overflowed or a write stalled
 * @param errorsByCode {@code error} frames sent and policy closes, by code (for example {@code rate_limited})
 */
public record ChatWebSocketMetrics(
        int connections,
        int authenticatedConnections,
        long framesIn,
        long framesOut,
        long eventsEncoded,
        long slowConsumerCloses,
        Map<String, Long> errorsByCode) {

    /** Validates and copies the components; {@code errorsByCode} iterates in code order. */
    public ChatWebSocketMetrics {
        errorsByCode = Map.copyOf(Objects.requireNonNull(errorsByCode, "errorsByCode == null"));
    }

    /**
     * Renders the snapshot in the Prometheus text exposition format (version 0.0.4), metric names prefixed
     * {@code parley_ws_}.
     *
     * @return the text, ending with a line feed
     */
    public String toPrometheusText() {
        StringBuilder b = new StringBuilder(512);
        gauge(b, "parley_ws_connections", "Open WebSocket connections.", connections);
        gauge(b, "parley_ws_authenticated_connections", "Open authenticated WebSocket connections.",
                authenticatedConnections);
        counter(b, "parley_ws_frames_in_total", "Text frames received.", framesIn);
        counter(b, "parley_ws_frames_out_total", "Text frames sent.", framesOut);
        counter(b, "parley_ws_events_encoded_total", "Events and replies encoded to JSON.", eventsEncoded);
        counter(b, "parley_ws_slow_consumer_closes_total", "Connections closed as slow consumers.",
                slowConsumerCloses);
        b.append("# HELP parley_ws_errors_total Error frames and policy closes by code.\n");
        b.append("# TYPE parley_ws_errors_total counter\n");
        for (Map.Entry<String, Long> e : new TreeMap<>(errorsByCode).entrySet()) {
            b.append("parley_ws_errors_total{code=\"").append(e.getKey()).append("\"} ").append(e.getValue())
                    .append('\n');
        }
        return b.toString();
    }

    private static void gauge(StringBuilder b, String name, String help, long value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(" gauge\n");
        b.append(name).append(' ').append(value).append('\n');
    }

    private static void counter(StringBuilder b, String name, String help, long value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(" counter\n");
        b.append(name).append(' ').append(value).append('\n');
    }
}
