package dev.parley.chat.core;

/**
 * Receives what happens to one signed-in user outside any room's stream, from {@link ChatService#watchUser}: on
 * whichever node it happens. Calls may come from any thread and may overlap; an implementation must return quickly
 * and never block. Both are hints: a lost one is repaired by the next room list or token check.
 */
public interface UserListener {
    /**
     * The user became a member of a room: they joined it (perhaps in another window), were added to it, or a
     * direct conversation was opened with them.
     *
     * @param room the room
     */
    default void onRoomAdded(Room room) {
    }

    /**
     * A message mentioned the user (named them as {@code @username}), on any node. Called once per message when it
     * is sent, and again if an edit adds the mention; the message is read from the store when the notice arrives, so
     * it may already show a later edit.
     *
     * @param room the message's room
     * @param message the message
     */
    default void onMentioned(Room room, Message message) {
    }

    /**
     * The session the watch was made with ended (a logout, on any node): close whatever it authenticated.
     */
    default void onSessionEnded() {
    }
}
