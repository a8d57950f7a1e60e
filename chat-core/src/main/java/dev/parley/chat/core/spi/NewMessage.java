package dev.parley.chat.core.spi;

import dev.parley.chat.core.User;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A message to be stored by {@link MessageStore#append}. It has no sequence number yet: the store assigns one.
 *
 * @param roomId the room's id; the room exists
 * @param room the room's name, copied into the stored {@link dev.parley.chat.core.Message}
 * @param senderId the sender's id; the sender exists
 * @param sender the sender's username, copied into the stored message
 * @param body the validated body
 * @param clientMsgId the sender's idempotency key, or {@code null}
 * @param createdAt the time to record
 * @param replyTo the id of the message this one replies to, checked by the service to be a message of the same
 *     room that is not deleted; {@code 0} if it is not a reply
 * @param mentions the room members the body mentions, without duplicates, in order of first mention; empty if none
 */
public record NewMessage(long roomId, String room, long senderId, String sender, String body, String clientMsgId,
        Instant createdAt, long replyTo, List<User> mentions) {
    /** Validates and copies the components. */
    public NewMessage {
        mentions = List.copyOf(Objects.requireNonNull(mentions, "mentions == null"));
        if (replyTo < 0) {
            throw new IllegalArgumentException("replyTo < 0: " + replyTo);
        }
        Objects.requireNonNull(room, "room == null");
        Objects.requireNonNull(sender, "sender == null");
        Objects.requireNonNull(body, "body == null");
        Objects.requireNonNull(createdAt, "createdAt == null");
    }

    /** A message that is not a reply and mentions no one. */
    public NewMessage(long roomId, String room, long senderId, String sender, String body, String clientMsgId,
            Instant createdAt) {
        this(roomId, room, senderId, sender, body, clientMsgId, createdAt, 0, List.of());
    }
}
