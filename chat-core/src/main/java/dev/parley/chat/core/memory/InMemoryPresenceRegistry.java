package dev.parley.chat.core.memory;

import dev.parley.chat.core.spi.PresenceRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link PresenceRegistry} in memory: right for one node, and for several services in one process sharing one
 * instance (tests). Expiry follows the given clock. Thread-safe.
 */
public final class InMemoryPresenceRegistry implements PresenceRegistry {
    private final Clock clock;
    private final Map<String, Long> expiresAt = new HashMap<>(); // node -> millis; guarded by this
    private final Map<Long, Map<String, Map<Long, String>>> rooms = new HashMap<>(); // room -> node -> user -> name

    /**
     * Creates an empty registry.
     *
     * @param clock the clock heartbeats and expiry are measured with
     */
    public InMemoryPresenceRegistry(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock == null");
    }

    @Override
    public synchronized void heartbeat(String node, Duration ttl) {
        Objects.requireNonNull(node, "node == null");
        expiresAt.put(node, clock.millis() + ttl.toMillis());
    }

    @Override
    public synchronized void enter(String node, long roomId, long userId, String username) {
        Objects.requireNonNull(node, "node == null");
        Objects.requireNonNull(username, "username == null");
        rooms.computeIfAbsent(roomId, r -> new HashMap<>()).computeIfAbsent(node, n -> new HashMap<>())
                .put(userId, username);
    }

    @Override
    public synchronized void leave(String node, long roomId, long userId) {
        Map<String, Map<Long, String>> nodes = rooms.get(roomId);
        if (nodes == null) {
            return;
        }
        Map<Long, String> users = nodes.get(node);
        if (users != null && users.remove(userId) != null && users.isEmpty()) {
            nodes.remove(node);
            if (nodes.isEmpty()) {
                rooms.remove(roomId);
            }
        }
    }

    @Override
    public synchronized List<Entry> online(long roomId) {
        List<Entry> result = new ArrayList<>();
        Map<String, Map<Long, String>> nodes = rooms.get(roomId);
        if (nodes == null) {
            return result;
        }
        long now = clock.millis();
        nodes.forEach((node, users) -> {
            Long until = expiresAt.get(node);
            if (until != null && until > now) {
                users.forEach((id, name) -> result.add(new Entry(node, id, name)));
            }
        });
        return result;
    }

    @Override
    public synchronized void forget(String node) {
        expiresAt.remove(node);
        rooms.values().forEach(nodes -> nodes.remove(node));
        rooms.values().removeIf(Map::isEmpty);
    }
}
