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
 * <p>{@code change} is the room change that gave the message its current state: its posting, its last edit or its
 * deletion. Every change to a room (a message posted, edited or deleted, a member joining or leaving) takes the
 * room's next change number, 1, 2, 3, … with no gaps, so a client that resumes "after change {@code n}" gets
 * exactly what it missed; see {@link ChatEvent.RoomChange}.
 *
 * @param id the message's unique, stable id
 * @param roomId the id of its room
 * @param room the name of its room
 * @param seq its per-room sequence number, from 1
 * @param change the room change that produced this state of the message, from 1
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
        long change,
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
        if (change < 1) {
            throw new IllegalArgumentException("change < 1: " + change);
        }
    }
}
