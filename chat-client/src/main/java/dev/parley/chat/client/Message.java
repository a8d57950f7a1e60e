package dev.parley.chat.client;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A message in one of its states, exactly the protocol's Message object (docs/protocol.md): the same in stream
 * frames, in replies and in history pages. A message is identified by {@link #id()}; a later state of it has a higher
 * {@link #change()}. Immutable and thread-safe.
 *
 * @param id unique across rooms
 * @param room the room's normalised name
 * @param seq the message's position in its room, from 1, without gaps
 * @param change the room change that produced this state: the posting, the last edit, the deletion or the last
 *     reaction
 * @param sender the sender's username
 * @param body the text; empty once deleted
 * @param createdAt when it was posted
 * @param clientMsgId the sender's idempotency key, or {@code null} if the sender gave none
 * @param editedAt when it was last edited, or {@code null} if never
 * @param deleted whether it was deleted
 * @param replyTo the message this one replies to, or {@code null} if it is not a reply
 * @param reactions the reactions, one per emoji in the order of each emoji's oldest remaining reaction; empty if none
 * @param mentions the usernames of the members the body mentions, in order of first mention; empty if none
 */
public record Message(long id, String room, long seq, long change, String sender, String body, Instant createdAt,
        String clientMsgId, Instant editedAt, boolean deleted, ReplyPreview replyTo, List<Reaction> reactions,
        List<String> mentions) {
    /**
     * Checks the required members.
     *
     * @throws NullPointerException if {@code room}, {@code sender}, {@code body} or {@code createdAt} is null
     */
    public Message {
        reactions = List.copyOf(Objects.requireNonNull(reactions, "reactions == null"));
        mentions = List.copyOf(Objects.requireNonNull(mentions, "mentions == null"));
        Objects.requireNonNull(room, "room == null");
        Objects.requireNonNull(sender, "sender == null");
        Objects.requireNonNull(body, "body == null");
        Objects.requireNonNull(createdAt, "createdAt == null");
    }

    /**
     * A message that is not a reply and has no reactions or mentions.
     *
     * @param id unique across rooms
     * @param room the room's normalised name
     * @param seq the position in its room
     * @param change the room change that produced this state
     * @param sender the sender's username
     * @param body the text
     * @param createdAt when it was posted
     * @param clientMsgId the idempotency key, or {@code null}
     * @param editedAt when it was last edited, or {@code null}
     * @param deleted whether it was deleted
     */
    public Message(long id, String room, long seq, long change, String sender, String body, Instant createdAt,
            String clientMsgId, Instant editedAt, boolean deleted) {
        this(id, room, seq, change, sender, body, createdAt, clientMsgId, editedAt, deleted, null, List.of(),
                List.of());
    }
}
