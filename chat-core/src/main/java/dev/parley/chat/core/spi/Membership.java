package dev.parley.chat.core.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored membership row.
 *
 * @param roomId the room's id
 * @param userId the member's id
 * @param joinedAt when the user joined
 * @param lastReadSeq the highest sequence marked read, {@code 0} for none
 */
public record Membership(long roomId, long userId, Instant joinedAt, long lastReadSeq) {
    /** Validates the components. */
    public Membership {
        Objects.requireNonNull(joinedAt, "joinedAt == null");
    }
}
