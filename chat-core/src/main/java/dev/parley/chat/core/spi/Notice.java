package dev.parley.chat.core.spi;

import java.util.Objects;

/**
 * A node-wide message between the services of a cluster, carried by {@link Fanout#publish(Notice)}: not tied to a
 * room's stream and never stored. Like room events, notices are hints: one may be lost, and each has a backstop
 * (token re-validation for a logout, the registry's reconciliation for presence, the room list for a new room).
 * Notices carry ids and names only, never message text.
 */
public sealed interface Notice permits Notice.SessionEnded, Notice.RoomAdded, Notice.PresenceChanged,
        Notice.Mentioned {
    /**
     * A session ended (a logout): every node closes the sockets authenticated with that session's token.
     *
     * @param tokenHash the session token's hash, as stored by the {@link SessionStore}: never the token itself
     */
    record SessionEnded(String tokenHash) implements Notice {
        /** Validates the component. */
        public SessionEnded {
            Objects.requireNonNull(tokenHash, "tokenHash == null");
        }
    }

    /**
     * A user became a member of a room (joined, was added, or a direct conversation was opened with them).
     *
     * @param userId the new member
     * @param roomId the room
     */
    record RoomAdded(long userId, long roomId) implements Notice {
    }

    /**
     * A user's presence in a room changed on one node: their first subscription to the room on that node opened,
     * or their last one closed. A user is online in a room while online on at least one live node.
     *
     * @param node the id of the node the change happened on
     * @param roomId the room's id
     * @param room the room's name
     * @param userId the user's id
     * @param username the user's name
     * @param online whether the user is now online in the room on that node
     */
    record PresenceChanged(String node, long roomId, String room, long userId, String username, boolean online)
            implements Notice {
        /** Validates the components. */
        public PresenceChanged {
            Objects.requireNonNull(node, "node == null");
            Objects.requireNonNull(room, "room == null");
            Objects.requireNonNull(username, "username == null");
        }
    }

    /**
     * A message mentioned a user: every node tells that user's watches, which read the message from the store.
     *
     * @param userId the mentioned user
     * @param roomId the message's room
     * @param messageId the message
     */
    record Mentioned(long userId, long roomId, long messageId) implements Notice {
    }
}
