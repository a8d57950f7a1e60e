package dev.parley.chat.client;

/**
 * Receives one room's events, given to {@link ParleyClient#join(String, RoomListener)}. Every method has an empty
 * default. Calls come on the client's callback executor, one at a time, in the order the server sent the events
 * (stream frames in strictly increasing change order, each change once); a method that throws is logged and ignored.
 * Apply messages by {@link Message#id()}: the reply to the caller's own send or edit carries the same message as the
 * event.
 */
public interface RoomListener {
    /**
     * A message was posted.
     *
     * @param message the message
     * @param replayed whether it was posted while the client was not subscribed (sent on resume or gap repair)
     */
    default void onMessage(Message message, boolean replayed) {
    }

    /**
     * A message was edited; a message edited several times while the client was away arrives once, newest state.
     *
     * @param message the message in its edited state
     */
    default void onEdited(Message message) {
    }

    /**
     * A message was deleted (its body is empty, {@link Message#deleted()} true).
     *
     * @param message the message in its deleted state
     */
    default void onDeleted(Message message) {
    }

    /**
     * A reaction was added to or removed from a message: replace your copy of it. {@code user} and {@code emoji} are
     * known only when the change was delivered live; a reaction replayed on resume (or read from the changes feed
     * during a gap repair) carries the message's current reactions alone, with {@code user} and {@code emoji}
     * {@code null} and {@code added} false.
     *
     * @param message the message as it is now, its reactions included
     * @param user who reacted, or {@code null} when replayed
     * @param emoji the emoji added or removed, or {@code null} when replayed
     * @param added whether the reaction was added
     */
    default void onReaction(Message message, User user, String emoji, boolean added) {
    }

    /**
     * A user joined (or was added to) the room, or left it: a change of the room's membership.
     *
     * @param room the room's normalised name
     * @param user who
     * @param joined true for a join, false for a leave
     */
    default void onMember(String room, User user, boolean joined) {
    }

    /**
     * A user came online in the room or went offline (best effort; never the client's own user).
     *
     * @param room the room's normalised name
     * @param user who
     * @param online true for online, false for offline
     */
    default void onPresence(String room, User user, boolean online) {
    }

    /**
     * Someone else is typing (may be dropped by the server).
     *
     * @param room the room's normalised name
     * @param user who
     */
    default void onTyping(String room, User user) {
    }

    /**
     * The client's position in the room no longer belongs to the room as the server knows it
     * ({@code resync_required}, {@code replay_too_large}). The client has already sent a new join; drop what you hold
     * of the room and reload its history ({@link ParleyClient#history(String, HistoryQuery)}), merging by message id
     * with the events that follow, keeping the state with the higher {@link Message#change()}.
     *
     * @param room the room's normalised name
     */
    default void onResync(String room) {
    }

    /**
     * The user left the room on another socket or device; the client no longer follows the room.
     *
     * @param room the room's normalised name
     */
    default void onLeft(String room) {
    }
}
