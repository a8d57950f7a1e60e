package dev.parley.chat.core;

import java.util.List;

/**
 * One page of a room's change stream, from {@link ChatService#changes}.
 *
 * @param changes the changes in strictly increasing change order: messages in their current state (posted,
 *     edited or deleted), joins and leaves; changes superseded by a later one (a message edited again) are absent
 * @param lastChange the position this page reads up to: pass it as {@code after} for the next page. At least the
 *     change of the last element, and when {@code hasMore} is false, the room's newest change
 * @param hasMore whether the room has changes after {@code lastChange}
 */
public record ChangePage(List<ChatEvent.RoomChange> changes, long lastChange, boolean hasMore) {
    /** Copies the list. */
    public ChangePage {
        changes = List.copyOf(changes);
    }
}
