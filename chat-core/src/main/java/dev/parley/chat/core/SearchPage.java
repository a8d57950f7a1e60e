package dev.parley.chat.core;

import java.util.List;

/**
 * One page of search results.
 *
 * @param results the matches, newest first (descending message id)
 * @param nextBefore the cursor of the next page (pass it as {@code before}), or {@code null} when there is nothing
 *     older to search
 */
public record SearchPage(List<SearchResult> results, Long nextBefore) {
    /** Copies the list. */
    public SearchPage {
        results = List.copyOf(results);
    }
}
