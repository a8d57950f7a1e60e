package dev.parley.chat.core;

import java.util.List;
import java.util.Objects;

/**
 * One message found by {@link ChatService#search}, with where it matched.
 *
 * @param message the message, as stored now
 * @param highlights the matched tokens of {@code message.body()}, ascending and disjoint; never empty
 */
public record SearchResult(Message message, List<Highlight> highlights) {
    /** Validates and copies. */
    public SearchResult {
        Objects.requireNonNull(message, "message == null");
        highlights = List.copyOf(highlights);
    }

    /**
     * A matched token: the UTF-16 index range {@code [start, end)} of a message body, as JavaScript indexes strings
     * ({@code body.slice(start, end)}). Never HTML.
     *
     * @param start the first index, inclusive
     * @param end the last index, exclusive; greater than {@code start}
     */
    public record Highlight(int start, int end) {
        /** Validates the range. */
        public Highlight {
            if (start < 0 || end <= start) {
                throw new IllegalArgumentException("bad range [" + start + ", " + end + ")");
            }
        }
    }
}
