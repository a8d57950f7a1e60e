package dev.parley.chat.core;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored message. Immutable and safe to share between threads: a {@link ChatEvent.MessagePosted} event hands the
 * same instance to every subscriber.
 *
 * <p>{@code seq} is the message's position in its room: the first message of a room has sequence 1, and every
 * further one exactly one more, with no gaps and no duplicates, whatever the number of concurrent senders or server
 * nodes. A client that has seen sequence {@code n} has seen everything up to {@code n}.
 *
 * @param id the message's unique, stable id
 * @param roomId the id of its room
 * @param room the name of its room
 * @param seq its per-room sequence number, from 1
 * @param senderId the id of its sender
 * @param sender the username of its sender
 * @param body the text, exactly as sent (or as last edited); empty once deleted
 * @param createdAt when it was stored
 * @param clientMsgId the sender's idempotency key, or {@code null}
 * @param editedAt when it was last edited, or {@code null}
 * @param deleted whether it was deleted (its body is then empty)
 */
public record Message(
        long id,
        long roomId,
        String room,
        long seq,
        long senderId,
        String sender,
        String body,
        Instant createdAt,
        String clientMsgId,
        Instant editedAt,
        boolean deleted) {
    /** Validates the components. */
    public Message {
        Objects.requireNonNull(room, "room == null");
        Objects.requireNonNull(sender, "sender == null");
        Objects.requireNonNull(body, "body == null");
        Objects.requireNonNull(createdAt, "createdAt == null");
        if (seq < 1) {
            throw new IllegalArgumentException("seq < 1: " + seq);
        }
    }
}
