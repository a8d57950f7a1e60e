package dev.parley.chat.core;

import java.util.Objects;

/**
 * A room as one user sees it in a room list.
 *
 * @param room the room
 * @param member whether the user is a member
 * @param lastSeq the sequence number of the room's newest message, {@code 0} if it has none
 * @param lastReadSeq the highest sequence the user marked read, {@code 0} if none or not a member
 * @param unread messages after {@code lastReadSeq} that others sent and are not deleted; {@code 0} if not a
 *     member
 * @param unreadMentions of the unread messages, those that mention the user; {@code 0} if not a member
 */
public record RoomSummary(Room room, boolean member, long lastSeq, long lastReadSeq, long unread,
        long unreadMentions) {
    /** Validates the components. */
    public RoomSummary {
        Objects.requireNonNull(room, "room == null");
    }

    /** A summary without unread mentions: the shape of release 3. */
    public RoomSummary(Room room, boolean member, long lastSeq, long lastReadSeq, long unread) {
        this(room, member, lastSeq, lastReadSeq, unread, 0);
    }
}
