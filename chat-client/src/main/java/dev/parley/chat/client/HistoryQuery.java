package dev.parley.chat.client;

/**
 * Which page of a room's history to read ({@code GET /api/messages}). Create one with {@link #latest(int)},
 * {@link #before(long, int)} or {@link #after(long, int)}.
 *
 * @param before read the newest messages below this {@code seq}, or 0 for no bound
 * @param after read the oldest messages above this {@code seq}, or -1 for no bound
 * @param limit the most messages, 1 to 200
 */
public record HistoryQuery(long before, long after, int limit) {
    /**
     * Checks the bounds.
     *
     * @throws IllegalArgumentException if {@code limit} is not 1 to 200, {@code before} is negative, {@code after}
     *     is below -1, or both bounds are given
     */
    public HistoryQuery {
        if (limit < 1 || limit > 200) {
            throw new IllegalArgumentException("limit must be 1 to 200: " + limit);
        }
        if (before < 0 || after < -1) {
            throw new IllegalArgumentException("before must be >= 0 and after >= -1");
        }
        if (before > 0 && after >= 0) {
            throw new IllegalArgumentException("either before or after, not both");
        }
    }

    /**
     * The newest messages.
     *
     * @param limit the most messages, 1 to 200
     * @return the query
     */
    public static HistoryQuery latest(int limit) {
        return new HistoryQuery(0, -1, limit);
    }

    /**
     * The newest messages below {@code seq} (scrolling back).
     *
     * @param seq the bound, at least 1
     * @param limit the most messages, 1 to 200
     * @return the query
     */
    public static HistoryQuery before(long seq, int limit) {
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be >= 1: " + seq);
        }
        return new HistoryQuery(seq, -1, limit);
    }

    /**
     * The oldest messages above {@code seq} (catching up); 0 reads from the room's start.
     *
     * @param seq the bound, at least 0
     * @param limit the most messages, 1 to 200
     * @return the query
     */
    public static HistoryQuery after(long seq, int limit) {
        if (seq < 0) {
            throw new IllegalArgumentException("seq must be >= 0: " + seq);
        }
        return new HistoryQuery(0, seq, limit);
    }
}
