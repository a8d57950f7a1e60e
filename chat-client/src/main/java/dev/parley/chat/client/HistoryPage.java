package dev.parley.chat.client;

import java.util.List;
import java.util.Objects;

/**
 * A page of a room's history, in ascending {@code seq} order; deleted messages are included with an empty body.
 *
 * @param messages the messages, ascending by {@code seq}
 * @param hasMore whether more messages lie beyond the page in the direction read
 */
public record HistoryPage(List<Message> messages, boolean hasMore) {
    /**
     * Copies the list.
     *
     * @throws NullPointerException if {@code messages} is null
     */
    public HistoryPage {
        messages = List.copyOf(Objects.requireNonNull(messages, "messages == null"));
    }
}
