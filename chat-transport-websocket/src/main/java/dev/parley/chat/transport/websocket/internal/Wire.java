package dev.parley.chat.transport.websocket.internal;

import dev.parley.chat.core.Message;
import dev.parley.chat.core.User;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.time.Instant;
import java.util.List;

/**
 * The server frames' JSON shapes, serialised by JSON-B. {@code null} components are omitted (JSON-B's default), so
 * optional members such as {@code ref} or {@code editedAt} appear only when set. Public only because JSON-B reads
 * them reflectively; not an API.
 */
public final class Wire {
    private Wire() {
    }

    /** {@code {id, username}}. */
    @JsonbPropertyOrder({"id", "username"})
    public record UserJson(long id, String username) {
        static UserJson of(User u) {
            return new UserJson(u.id(), u.username());
        }
    }

    /**
     * {@code {id, room, seq, change, sender, body, createdAt, clientMsgId?, editedAt?, deleted?}}: {@code change} is
     * the room change that produced this state of the message, wherever the message appears (events and replies).
     */
    @JsonbPropertyOrder({"id", "room", "seq", "change", "sender", "body", "createdAt", "clientMsgId", "editedAt",
        "deleted"})
    public record MessageJson(long id, String room, long seq, long change, String sender, String body,
            Instant createdAt, String clientMsgId, Instant editedAt, Boolean deleted) {
        static MessageJson of(Message m) {
            return new MessageJson(m.id(), m.room(), m.seq(), m.change(), m.sender(), m.body(), m.createdAt(),
                    m.clientMsgId(), m.editedAt(), m.deleted() ? Boolean.TRUE : null);
        }
    }

    /** {@code ready}. */
    @JsonbPropertyOrder({"type", "user", "ref"})
    public record Ready(String type, UserJson user, String ref) {
    }

    /** {@code subscribed}: the position the stream continues after. */
    @JsonbPropertyOrder({"type", "room", "lastSeq", "lastChange", "online", "ref"})
    public record Subscribed(String type, String room, long lastSeq, long lastChange, List<String> online,
            String ref) {
    }

    /** {@code left} and {@code unsubscribed}. */
    @JsonbPropertyOrder({"type", "room", "ref"})
    public record RoomOnly(String type, String room, String ref) {
    }

    /** {@code ack}. */
    @JsonbPropertyOrder({"type", "clientMsgId", "message", "ref"})
    public record Ack(String type, String clientMsgId, MessageJson message, String ref) {
    }

    /**
     * The {@code message}, {@code edited} and {@code deleted} stream frames (room events): {@code change} equals
     * {@code message.change}, at the top level so that a client tracks every change frame alike.
     */
    @JsonbPropertyOrder({"type", "room", "change", "message"})
    public record MessageChange(String type, String room, long change, MessageJson message) {
    }

    /**
     * The {@code edited} and {@code deleted} replies to the sender's own edit or delete. No top-level
     * {@code change}: a reply can overtake earlier changes still on their way to the socket, so clients must not
     * advance their stream position from it.
     */
    @JsonbPropertyOrder({"type", "message", "ref"})
    public record MessageReply(String type, MessageJson message, String ref) {
    }

    /** {@code presence} {@code join} / {@code leave}: a membership change, a stream frame. */
    @JsonbPropertyOrder({"type", "room", "user", "state", "change"})
    public record MemberChange(String type, String room, UserJson user, String state, long change) {
    }

    /** {@code presence} {@code online} / {@code offline}: across every node, not a room change. */
    @JsonbPropertyOrder({"type", "room", "user", "state"})
    public record Presence(String type, String room, UserJson user, String state) {
    }

    /** {@code room_added}: the socket's user became a member of a room. */
    @JsonbPropertyOrder({"type", "room", "roomType"})
    public record RoomAdded(String type, String room, String roomType) {
    }

    /** {@code typing}. */
    @JsonbPropertyOrder({"type", "room", "user"})
    public record Typing(String type, String room, UserJson user) {
    }

    /** {@code unread}. */
    @JsonbPropertyOrder({"type", "room", "lastReadSeq", "unread", "ref"})
    public record Unread(String type, String room, long lastReadSeq, long unread, String ref) {
    }

    /** {@code error}; {@code room} only for errors about one room's stream ({@code resync_required}). */
    @JsonbPropertyOrder({"type", "code", "message", "ref", "room"})
    public record Error(String type, String code, String message, String ref, String room) {
    }

    /** {@code pong}. */
    @JsonbPropertyOrder({"type", "ref"})
    public record Pong(String type, String ref) {
    }
}
