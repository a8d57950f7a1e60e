package dev.parley.chat.core;

import java.util.List;

/**
 * One page of history.
 *
 * @param messages the messages in ascending sequence order (deleted ones included, with empty bodies, so that the
 *     sequence has no holes)
 * @param hasMore whether more messages lie beyond this page in the direction read (older for {@code before} and
 *     {@code latest}, newer for {@code after})
 */
public record HistoryPage(List<Message> messages, boolean hasMore) {
    /** Copies the list. */
    public HistoryPage {
        messages = List.copyOf(messages);
    }
}
