package dev.parley.chat.core.internal;

import dev.parley.chat.core.Message;
import dev.parley.chat.core.SearchPage;
import dev.parley.chat.core.SearchResult;
import dev.parley.chat.core.SearchTerms;
import dev.parley.chat.core.spi.MessageSearch;
import dev.parley.chat.core.spi.SearchQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Turns a store's search candidates into a page of results that obey {@link SearchTerms}'s rule exactly. */
final class Searches {
    /**
     * How many store reads one page may take. A store returns few non-matching candidates (only for text its index
     * splits differently), so one read is the rule; the bound only keeps a pathological page from scanning on.
     */
    private static final int MAX_READS = 8;

    private Searches() {
    }

    /**
     * Reads candidates newest first until the page is full (plus one, to know whether there is more) or the store
     * has no more; each is checked against the rule again, and against the rooms and the cursor, because a store
     * that slipped there would reveal a room the caller cannot read.
     */
    static SearchPage page(MessageSearch search, SearchTerms terms, Set<Long> rooms, Long roomId, long beforeId,
            int limit) {
        if (rooms.isEmpty()) {
            return new SearchPage(List.of(), null);
        }
        List<SearchResult> results = new ArrayList<>();
        long cursor = beforeId;
        for (int read = 0; read < MAX_READS; read++) {
            int want = limit + 1 - results.size();
            List<Message> candidates = search.search(new SearchQuery(terms, rooms, roomId, cursor, want));
            for (Message m : candidates) {
                if (m.id() >= cursor || m.deleted() || !rooms.contains(m.roomId())) {
                    continue;
                }
                cursor = m.id();
                List<SearchResult.Highlight> highlights = terms.highlights(m.body());
                if (!highlights.isEmpty()) {
                    results.add(new SearchResult(m, highlights));
                }
            }
            if (results.size() > limit) {
                return new SearchPage(results.subList(0, limit), results.get(limit - 1).message().id());
            }
            if (candidates.size() < want) {
                return new SearchPage(results, null);
            }
        }
        // Not exhausted: the caller goes on from the oldest candidate read.
        return new SearchPage(results, cursor);
    }
}
