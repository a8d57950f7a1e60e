package dev.parley.chat.core.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored join or departure: one entry of a room's change stream, from {@link RoomStore#findMembershipChanges}.
 *
 * @param roomId the room's id
 * @param change the room change number, from 1
 * @param userId the user who joined or left
 * @param kind whether the user joined or left
 * @param at when it happened
 */
public record MembershipChange(long roomId, long change, long userId, Kind kind, Instant at) {
    /** Joined or left. */
    public enum Kind {
        /** The user became a member. */
        JOINED,
        /** The user stopped being a member. */
        LEFT
    }

    /** Validates the components. */
    public MembershipChange {
        Objects.requireNonNull(kind, "kind == null");
        Objects.requireNonNull(at, "at == null");
        if (change < 1) {
            throw new IllegalArgumentException("change < 1: " + change);
        }
    }
}
