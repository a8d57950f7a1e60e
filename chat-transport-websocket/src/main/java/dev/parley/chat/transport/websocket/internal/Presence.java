package dev.parley.chat.transport.websocket.internal;

import dev.parley.chat.core.User;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * This node's view of who is online in which room: a user is online in a room while at least one of their sockets
 * on this node is subscribed to it. The first such socket triggers {@code presence online}, the last one leaving
 * {@code presence offline}, sent to the room's other subscribed sockets on this node. Frames are queued while the
 * lock is held so that every socket sees one room's transitions in the order they happened ({@code offer} never
 * blocks).
 */
final class Presence {
    private final Frames frames;
    private final Map<String, RoomState> rooms = new HashMap<>(); // guarded by this

    private static final class RoomState {
        final Set<Connection> connections = new LinkedHashSet<>();
        final Map<Long, Integer> counts = new HashMap<>();
        final Map<Long, String> names = new HashMap<>();
    }

    Presence(Frames frames) {
        this.frames = frames;
    }

    /**
     * Records that a socket subscribed to a room (idempotent per socket and room).
     *
     * @return the usernames online in the room afterwards, sorted case-insensitively
     */
    synchronized List<String> add(String room, Connection conn, User user) {
        RoomState state = rooms.computeIfAbsent(room, r -> new RoomState());
        if (state.connections.add(conn)) {
            int n = state.counts.merge(user.id(), 1, Integer::sum);
            state.names.put(user.id(), user.username());
            if (n == 1) {
                OutFrame frame = frames.presence(room, user, "online");
                for (Connection c : state.connections) {
                    if (c != conn) {
                        c.sendLive(frame);
                    }
                }
            }
        }
        List<String> online = new ArrayList<>(state.names.values());
        online.sort(String.CASE_INSENSITIVE_ORDER);
        return online;
    }

    /** Records that a socket is no longer subscribed to a room (idempotent). */
    synchronized void remove(String room, Connection conn, User user) {
        RoomState state = rooms.get(room);
        if (state == null || !state.connections.remove(conn)) {
            return;
        }
        Integer n = state.counts.merge(user.id(), -1, Integer::sum);
        if (n != null && n <= 0) {
            state.counts.remove(user.id());
            state.names.remove(user.id());
            OutFrame frame = frames.presence(room, user, "offline");
            for (Connection c : state.connections) {
                c.sendLive(frame);
            }
        }
        if (state.connections.isEmpty()) {
            rooms.remove(room);
        }
    }
}
