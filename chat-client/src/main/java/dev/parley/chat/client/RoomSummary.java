package dev.parley.chat.client;

import java.time.Instant;
import java.util.Objects;

/**
 * A room in the caller's room list, with the caller's read position ({@code GET /api/rooms}).
 *
 * @param name the normalised name
 * @param type {@code public}, {@code private} or {@code direct}
 * @param createdAt when it was created
 * @param member whether the caller is a member
 * @param lastSeq the newest message's {@code seq}, 0 if none
 * @param lastReadSeq the caller's read position
 * @param unread others' messages after {@code lastReadSeq}
 * @param unreadMentions of those, the ones that mention the caller
 */
public record RoomSummary(String name, String type, Instant createdAt, boolean member, long lastSeq,
        long lastReadSeq, long unread, long unreadMentions) {
    /**
     * Checks the members.
     *
     * @throws NullPointerException if {@code name}, {@code type} or {@code createdAt} is null
     */
    public RoomSummary {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(type, "type == null");
        Objects.requireNonNull(createdAt, "createdAt == null");
    }
}
