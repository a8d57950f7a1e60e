package dev.parley.chat.core.spi;

import java.time.Instant;
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
 */
public record NewMessage(long roomId, String room, long senderId, String sender, String body, String clientMsgId,
        Instant createdAt) {
    /** Validates the components. */
    public NewMessage {
        Objects.requireNonNull(room, "room == null");
        Objects.requireNonNull(sender, "sender == null");
        Objects.requireNonNull(body, "body == null");
        Objects.requireNonNull(createdAt, "createdAt == null");
    }
}
