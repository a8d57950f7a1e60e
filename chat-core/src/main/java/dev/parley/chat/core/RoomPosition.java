package dev.parley.chat.core;

/**
 * A position in a room: its newest message sequence and its newest change number, read together. Every message
 * with a sequence up to {@code lastSeq} and every change up to {@code lastChange} is visible from this position on.
 *
 * @param lastSeq the highest message sequence, {@code 0} for a room without messages
 * @param lastChange the highest change number, {@code 0} for a room without changes
 */
public record RoomPosition(long lastSeq, long lastChange) {
    /** The position of a room with no changes. */
    public static final RoomPosition EMPTY = new RoomPosition(0, 0);

    /** Validates the components. */
    public RoomPosition {
        if (lastSeq < 0) {
            throw new IllegalArgumentException("lastSeq < 0: " + lastSeq);
        }
        if (lastChange < lastSeq) {
            throw new IllegalArgumentException("lastChange < lastSeq: " + lastChange + " < " + lastSeq);
        }
    }
}
