package dev.parley.chat.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A stored message. Immutable and safe to share between threads: a {@link ChatEvent.MessagePosted} event hands the
 * same instance to every subscriber.
 *
 * <p>{@code seq} is the message's position in its room: the first message of a room has sequence 1, and every
 * further one exactly one more, with no gaps and no duplicates, whatever the number of concurrent senders or server
 * nodes. A client that has seen sequence {@code n} has seen everything up to {@code n}.
 *
 * <p>{@code change} is the room change that gave the message its current state: its posting, its last edit, its
 * deletion or its last reaction. Every change to a room (a message posted, edited, deleted or reacted to, a member
 * joining or leaving) takes the room's next change number, 1, 2, 3, … with no gaps, so a client that resumes "after
 * change {@code n}" gets exactly what it missed; see {@link ChatEvent.RoomChange}.
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
 * @param replyTo the message this one replies to, as it is now, or {@code null} if it is not a reply
 * @param reactions the reactions, in the order of each emoji's oldest remaining reaction; empty if none
 * @param mentions the usernames this message mentions (members of the room named as {@code @username} when it was
 *     sent or last edited), in order of first mention; empty if none
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
        boolean deleted,
        ReplyPreview replyTo,
        List<Reaction> reactions,
        List<String> mentions) {
    /** Validates and copies the components. */
    public Message {
        reactions = List.copyOf(Objects.requireNonNull(reactions, "reactions == null"));
        mentions = List.copyOf(Objects.requireNonNull(mentions, "mentions == null"));
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

    /**
     * A message that is not a reply and has no reactions or mentions: the shape of release 3, kept for stores and
     * tests written against it.
     */
    public Message(long id, long roomId, String room, long seq, long change, long senderId, String sender,
            String body, Instant createdAt, String clientMsgId, Instant editedAt, boolean deleted) {
        this(id, roomId, room, seq, change, senderId, sender, body, createdAt, clientMsgId, editedAt, deleted, null,
                List.of(), List.of());
    }

    /**
     * This message with other reactions and a given change number: what a reaction makes of it.
     *
     * @param newChange the change number of the reaction
     * @param newReactions the reactions as they are now
     * @return the new state
     */
    public Message withReactions(long newChange, List<Reaction> newReactions) {
        return new Message(id, roomId, room, seq, newChange, senderId, sender, body, createdAt, clientMsgId,
                editedAt, deleted, replyTo, newReactions, mentions);
    }
}
