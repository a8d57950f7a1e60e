package dev.parley.chat.client;

import java.time.Instant;
import java.util.Objects;

/**
 * A message in one of its states, exactly the protocol's Message object (docs/protocol.md): the same in stream
 * frames, in replies and in history pages. A message is identified by {@link #id()}; a later state of it has a higher
 * {@link #change()}. Immutable and thread-safe.
 *
 * @param id unique across rooms
 * @param room the room's normalised name
 * @param seq the message's position in its room, from 1, without gaps
 * @param change the room change that produced this state: the posting, the last edit or the deletion
 * @param sender the sender's username
 * @param body the text; empty once deleted
 * @param createdAt when it was posted
 * @param clientMsgId the sender's idempotency key, or {@code null} if the sender gave none
 * @param editedAt when it was last edited, or {@code null} if never
 * @param deleted whether it was deleted
 */
public record Message(long id, String room, long seq, long change, String sender, String body, Instant createdAt,
        String clientMsgId, Instant editedAt, boolean deleted) {
    /**
     * Checks the required members.
     *
     * @throws NullPointerException if {@code room}, {@code sender}, {@code body} or {@code createdAt} is null
     */
    public Message {
        Objects.requireNonNull(room, "room == null");
        Objects.requireNonNull(sender, "sender == null");
        Objects.requireNonNull(body, "body == null");
        Objects.requireNonNull(createdAt, "createdAt == null");
    }
}
