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

    /** {@code {id, room, seq, sender, body, createdAt, clientMsgId?, editedAt?, deleted?}}. */
    @JsonbPropertyOrder({"id", "room", "seq", "sender", "body", "createdAt", "clientMsgId", "editedAt", "deleted"})
    public record MessageJson(long id, String room, long seq, String sender, String body, Instant createdAt,
            String clientMsgId, Instant editedAt, Boolean deleted) {
        static MessageJson of(Message m) {
            return new MessageJson(m.id(), m.room(), m.seq(), m.sender(), m.body(), m.createdAt(), m.clientMsgId(),
                    m.editedAt(), m.deleted() ? Boolean.TRUE : null);
        }
    }

    /** {@code ready}. */
    @JsonbPropertyOrder({"type", "user", "ref"})
    public record Ready(String type, UserJson user, String ref) {
    }

    /** {@code subscribed}. */
    @JsonbPropertyOrder({"type", "room", "lastSeq", "online", "ref"})
    public record Subscribed(String type, String room, long lastSeq, List<String> online, String ref) {
    }

    /** {@code left} and {@code unsubscribed}. */
    @JsonbPropertyOrder({"type", "room", "ref"})
    public record RoomOnly(String type, String room, String ref) {
    }

    /** {@code ack}. */
    @JsonbPropertyOrder({"type", "clientMsgId", "message", "ref"})
    public record Ack(String type, String clientMsgId, MessageJson message, String ref) {
    }

    /** {@code message}, {@code edited}, {@code deleted}. */
    @JsonbPropertyOrder({"type", "message", "ref"})
    public record MessageFrame(String type, MessageJson message, String ref) {
    }

    /** {@code presence}. */
    @JsonbPropertyOrder({"type", "room", "user", "state"})
    public record Presence(String type, String room, UserJson user, String state) {
    }

    /** {@code typing}. */
    @JsonbPropertyOrder({"type", "room", "user"})
    public record Typing(String type, String room, UserJson user) {
    }

    /** {@code unread}. */
    @JsonbPropertyOrder({"type", "room", "lastReadSeq", "unread", "ref"})
    public record Unread(String type, String room, long lastReadSeq, long unread, String ref) {
    }

    /** {@code error}. */
    @JsonbPropertyOrder({"type", "code", "message", "ref"})
    public record Error(String type, String code, String message, String ref) {
    }

    /** {@code pong}. */
    @JsonbPropertyOrder({"type", "ref"})
    public record Pong(String type, String ref) {
    }
}
