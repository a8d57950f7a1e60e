package dev.parley.chat.core.spi;

import java.time.Duration;
import java.util.List;

/**
 * Who is online, shared by every node of a cluster: rows of (node, room, user), kept while their node's heartbeat
 * is fresh. A node that stops heartbeating (it crashed) drops out of {@link #online} once its last heartbeat is
 * older than the time to live it gave; nobody has to clean up after it.
 *
 * <p>The service calls this from one thread of its own, never from a request thread, and keeps its own count of
 * local subscriptions: {@link #enter} is called when the first of a user's subscriptions to a room on this node
 * opens, {@link #leave} when the last one closes. Implementations: in memory (one node), an unlogged PostgreSQL
 * table ({@code chat-store-jooq}), Redis keys with expiry ({@code chat-bus-redis}). Thread-safe; failures are
 * reported as unchecked exceptions, which the service logs and retries at its next heartbeat.
 */
public interface PresenceRegistry extends AutoCloseable {
    /**
     * Records that the node is alive, and keeps its rows, for {@code ttl} from now.
     *
     * @param node the node's id
     * @param ttl how long the node counts as alive without a further heartbeat
     */
    void heartbeat(String node, Duration ttl);

    /**
     * Records that a user is online in a room through this node (idempotent).
     *
     * @param node the node's id
     * @param roomId the room
     * @param userId the user
     * @param username the user's name, returned by {@link #online}
     */
    void enter(String node, long roomId, long userId, String username);

    /**
     * Records that a user is no longer online in a room through this node (idempotent).
     *
     * @param node the node's id
     * @param roomId the room
     * @param userId the user
     */
    void leave(String node, long roomId, long userId);

    /**
     * The users online in a room, on every node whose heartbeat has not expired.
     *
     * @param roomId the room
     * @return one entry per user and node, in no particular order
     */
    List<Entry> online(long roomId);

    /**
     * Removes all of a node's rows (a clean shutdown). Idempotent.
     *
     * @param node the node's id
     */
    void forget(String node);

    /** Releases resources held by the registry. The default does nothing. */
    @Override
    default void close() {
    }

    /**
     * One user online in one room through one node.
     *
     * @param node the node's id
     * @param userId the user's id
     * @param username the user's name
     */
    record Entry(String node, long userId, String username) {
        /** Validates the components. */
        public Entry {
            java.util.Objects.requireNonNull(node, "node == null");
            java.util.Objects.requireNonNull(username, "username == null");
        }
    }
}
