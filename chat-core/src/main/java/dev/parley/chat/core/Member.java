package dev.parley.chat.core;

import java.time.Instant;
import java.util.Objects;

/**
 * A user's membership of a room.
 *
 * @param user the member
 * @param joinedAt when the user (last) joined
 * @param lastReadSeq the highest sequence number the member has marked read, {@code 0} for none
 */
public record Member(User user, Instant joinedAt, long lastReadSeq) {
    /** Validates the components. */
    public Member {
        Objects.requireNonNull(user, "user == null");
        Objects.requireNonNull(joinedAt, "joinedAt == null");
    }
}
