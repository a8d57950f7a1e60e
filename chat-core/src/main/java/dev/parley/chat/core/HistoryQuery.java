package dev.parley.chat.core;

/**
 * Which page of a room's history to read. Pages are addressed by sequence number, so they are stable while new
 * messages arrive. Create one with {@link #latest}, {@link #before} or {@link #after}.
 *
 * @param before read the newest messages with a sequence below this, or {@code 0} for no upper bound
 * @param after read the oldest messages with a sequence above this, or {@code -1} for no lower bound
 * @param limit the page size, from 1 to {@link ChatSettings#maxHistoryPage()}
 */
public record HistoryQuery(long before, long after, int limit) {
    /** Validates the components: at most one of {@code before} and {@code after} may be set. */
    public HistoryQuery {
        if (before < 0) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "before must be positive: " + before);
        }
        if (after < -1) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "after must not be negative: " + after);
        }
        if (before > 0 && after >= 0) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "give before or after, not both");
        }
        if (limit < 1) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "limit must be at least 1: " + limit);
        }
    }

    /** The newest {@code limit} messages. */
    public static HistoryQuery latest(int limit) {
        return new HistoryQuery(0, -1, limit);
    }

    /** The newest {@code limit} messages with a sequence below {@code seq}: scrolling back. */
    public static HistoryQuery before(long seq, int limit) {
        if (seq < 1) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "before must be at least 1: " + seq);
        }
        return new HistoryQuery(seq, -1, limit);
    }

    /** The oldest {@code limit} messages with a sequence above {@code seq}: catching up. */
    public static HistoryQuery after(long seq, int limit) {
        if (seq < 0) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "after must not be negative: " + seq);
        }
        return new HistoryQuery(0, seq, limit);
    }
}
