package dev.parley.chat.client;

/**
 * Told about the client's connection. Every method has an empty default. Called on the client's callback executor,
 * one call at a time and in order, interleaved with the {@link RoomListener} calls (see {@link ParleyClient}); a
 * method that throws is logged and ignored.
 */
public interface ConnectionListener {
    /**
     * The connection's state changed.
     *
     * @param state the new state
     */
    default void onStateChanged(ConnectionState state) {
    }

    /**
     * A message mentioned the user ({@code @username}), in any room of theirs, followed or not, on any server node.
     * A hint: {@link RoomSummary#unreadMentions()} is the durable count.
     *
     * @param room the message's room
     * @param message the message
     */
    default void onMentioned(String room, Message message) {
    }

    /**
     * The server ended the session: the socket was closed with 1008 {@code invalid_token}, {@code token_expired} or
     * {@code logged_out}. The client stops reconnecting and fails every pending operation with a
     * {@link ParleyClientException} of that code. Log in again and call {@link ParleyClient#connect()} to go on;
     * joined rooms are kept and resumed.
     *
     * @param reason the close reason: {@code invalid_token}, {@code token_expired} or {@code logged_out}
     */
    default void onSessionEnded(String reason) {
    }
}
