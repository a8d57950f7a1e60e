package dev.parley.chat.transport.websocket;

import java.util.Map;
import java.util.Objects;

/**
 * A point-in-time snapshot of a {@link ChatWebSocket}'s counters. Counters only grow; {@code connections} is a
 * gauge. {@code chat-micrometer}'s {@code WebSocketMetrics} exposes them as Micrometer meters.
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

    /** Validates and copies the components. */
    public ChatWebSocketMetrics {
        errorsByCode = Map.copyOf(Objects.requireNonNull(errorsByCode, "errorsByCode == null"));
    }
}
