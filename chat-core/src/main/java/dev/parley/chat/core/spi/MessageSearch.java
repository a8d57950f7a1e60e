package dev.parley.chat.core.spi;

import dev.parley.chat.core.Message;
import java.util.List;

/**
 * Full-text search over a {@link MessageStore}'s messages, offered by a {@link ChatStorage} through
 * {@link ChatStorage#search()}. Thread-safe.
 *
 * <p>An index must follow the store's writes in the same transaction: a message is found by its current body as
 * soon as its append or edit has returned, and never once its deletion has returned.
 */
public interface MessageSearch {
    /**
     * Finds messages by the rule of {@link dev.parley.chat.core.SearchTerms}: not deleted, in one of
     * {@link SearchQuery#roomIds()}, id below {@code beforeId}, every term a prefix of a token of the body.
     *
     * <p>The service checks each returned body against the rule again and drops those that fail, so an index whose
     * tokenizer splits some unusual text differently (URLs, mixed scripts) may return extra candidates; it must
     * never leave out a message that matches, nor return one outside the rooms, the cursor or the limit.
     *
     * @param query the query
     * @return up to {@code query.limit()} messages, newest first (descending id)
     * @throws dev.parley.chat.core.UnavailableException with {@code STORAGE_UNAVAILABLE} if the store failed
     */
    List<Message> search(SearchQuery query);
}
