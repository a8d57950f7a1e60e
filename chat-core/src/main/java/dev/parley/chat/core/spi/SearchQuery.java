package dev.parley.chat.core.spi;

import dev.parley.chat.core.SearchTerms;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link MessageSearch#search} looks for. The service builds it; stores apply every condition.
 *
 * @param terms the terms; a message matches when each is a prefix of one of its tokens ({@link SearchTerms})
 * @param readableRoomIds the rooms the caller may read; never return a message of any other room
 * @param roomId only this room, or {@code null} for all readable rooms (a room not in {@code readableRoomIds}
 *     gives nothing)
 * @param beforeId only messages with a smaller id (exclusive cursor); {@link Long#MAX_VALUE} for the newest
 * @param limit the most messages to return, {@code >= 1}
 */
public record SearchQuery(SearchTerms terms, Set<Long> readableRoomIds, Long roomId, long beforeId, int limit) {
    /** Validates and copies. */
    public SearchQuery {
        Objects.requireNonNull(terms, "terms == null");
        readableRoomIds = Set.copyOf(readableRoomIds);
        if (limit < 1) {
            throw new IllegalArgumentException("limit < 1: " + limit);
        }
    }

    /**
     * The rooms to search: {@code readableRoomIds}, narrowed to {@code roomId} if given.
     *
     * @return the room ids, possibly empty
     */
    public Set<Long> roomIds() {
        if (roomId == null) {
            return readableRoomIds;
        }
        return readableRoomIds.contains(roomId) ? Set.of(roomId) : Set.of();
    }
}
