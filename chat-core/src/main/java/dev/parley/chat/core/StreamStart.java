package dev.parley.chat.core;

import java.util.Objects;

/**
 * Where a {@link ChatService#subscribe subscription} starts: live from now, or after a position the client has
 * seen, replaying what it missed first.
 *
 * @param kind how {@code after} is to be read
 * @param after the last sequence or change the client has seen ({@code >= 0}); {@code -1} for {@link Kind#LIVE}
 */
public record StreamStart(Kind kind, long after) {
    /** How a start position is expressed. */
    public enum Kind {
        /** No replay: live events from the room's current position. */
        LIVE,
        /** Replay stored messages with a higher sequence (posted ones, in their current state), then live. */
        AFTER_SEQ,
        /** Replay every change with a higher change number, in change order, then live: the lossless resume. */
        AFTER_CHANGE
    }

    private static final StreamStart LIVE = new StreamStart(Kind.LIVE, -1);

    /** Validates the components. */
    public StreamStart {
        Objects.requireNonNull(kind, "kind == null");
        if (kind == Kind.LIVE ? after != -1 : after < 0) {
            throw new IllegalArgumentException(kind == Kind.LIVE
                    ? "after must be -1 for a live start: " + after
                    : "after must not be negative: " + after);
        }
    }

    /** Live events only, from the room's current position. */
    public static StreamStart live() {
        return LIVE;
    }

    /**
     * Replays the messages after a sequence, then live. Edits, deletions and membership changes the client missed
     * are not replayed: prefer {@link #afterChange}.
     *
     * @param seq the highest sequence the client has seen, {@code >= 0}
     * @return the start
     */
    public static StreamStart afterSeq(long seq) {
        return new StreamStart(Kind.AFTER_SEQ, seq);
    }

    /**
     * Replays every change after a change number, then live.
     *
     * @param change the highest change the client has seen, {@code >= 0}
     * @return the start
     */
    public static StreamStart afterChange(long change) {
        return new StreamStart(Kind.AFTER_CHANGE, change);
    }
}
