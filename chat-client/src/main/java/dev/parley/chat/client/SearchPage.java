package dev.parley.chat.client;

import java.util.List;
import java.util.Objects;

/**
 * A page of search results ({@code GET /api/search}), newest first.
 *
 * @param results the matches, newest first (descending message id)
 * @param nextBefore the {@code before} of the next page, or {@code null} when there are no older matches
 */
public record SearchPage(List<Result> results, Long nextBefore) {
    /**
     * Copies the list.
     *
     * @throws NullPointerException if {@code results} is null
     */
    public SearchPage {
        results = List.copyOf(Objects.requireNonNull(results, "results == null"));
    }

    /**
     * One match.
     *
     * @param message the message as stored now
     * @param highlights the matched tokens of its body, ascending and disjoint
     */
    public record Result(Message message, List<Highlight> highlights) {
        /**
         * Copies the list.
         *
         * @throws NullPointerException if an argument is null
         */
        public Result {
            Objects.requireNonNull(message, "message == null");
            highlights = List.copyOf(Objects.requireNonNull(highlights, "highlights == null"));
        }
    }

    /**
     * A matched token: {@code body.substring(start, end)} (UTF-16 indexes, as Java and JavaScript index strings).
     *
     * @param start the first index, inclusive
     * @param end the last index, exclusive
     */
    public record Highlight(int start, int end) {
    }
}
