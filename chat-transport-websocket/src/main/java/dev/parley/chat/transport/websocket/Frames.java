package dev.parley.chat.transport.websocket;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.RoomSummary;
import dev.parley.chat.core.User;
import dev.parley.chat.json.ChatJson;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.spi.JsonProvider;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Encodes server frames: each frame is a JSON-P object, members in the order {@code docs/protocol.md} lists them and
 * absent optional members omitted, written out by JSON-B. The shapes the REST API sends too (a user, a message, a
 * room change) come from {@link ChatJson}, so both read alike byte for byte.
 *
 * <p>A {@link ChatEvent} is encoded once however many sockets receive it: the core hands the same event instance to
 * every local subscriber, so a small identity-keyed memo (a fixed array of slots indexed by the identity hash)
 * returns the cached frame, and with it the wire bytes built for the first recipient, to the second and later ones.
 * A collision or a race only costs a second encoding, never a wrong frame, and the memo holds at most
 * {@link #MEMO_SLOTS} events.
 */
final class Frames implements AutoCloseable {
    static final int MEMO_SLOTS = 256;

    /** Looked up once: {@code Json.createXxx} would search the service loader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private final Jsonb jsonb = JsonbBuilder.create(new JsonbConfig().withNullValues(false));
    private final AtomicReferenceArray<Memo> memo = new AtomicReferenceArray<>(MEMO_SLOTS);
    private final LongAdder encoded = new LongAdder();

    private record Memo(ChatEvent event, OutFrame frame) {
    }

    /** The frame for a chat event, shared between recipients (and so is its wire form, once built). */
    OutFrame event(ChatEvent event) {
        int slot = System.identityHashCode(event) & (MEMO_SLOTS - 1);
        Memo m = memo.get(slot);
        if (m != null && m.event == event) {
            return m.frame;
        }
        OutFrame frame = encodeEvent(event);
        memo.set(slot, new Memo(event, frame));
        return frame;
    }

    private OutFrame encodeEvent(ChatEvent event) {
        if (event instanceof ChatEvent.RoomChange change) {
            return encode(ChatJson.change(change)); // the same object as in the REST API's change pages
        } else if (event instanceof ChatEvent.Typing e) {
            return encode(frame("typing").add("room", e.room()).add("user", ChatJson.user(e.user())));
        } else if (event instanceof ChatEvent.Presence e) {
            return encode(frame("presence").add("room", e.room()).add("user", ChatJson.user(e.userId(), e.username()))
                    .add("state", e.online() ? "online" : "offline"));
        }
        throw new IllegalArgumentException("unknown event " + event.getClass().getName());
    }

    OutFrame ready(User user, String ref) {
        return encode(optional(frame("ready").add("user", ChatJson.user(user)), "ref", ref));
    }

    /** {@code subscribed}: the position the socket's stream of the room continues after. */
    OutFrame subscribed(String room, RoomPosition position, List<String> online, String ref) {
        return encode(optional(frame("subscribed").add("room", room).add("lastSeq", position.lastSeq())
                .add("lastChange", position.lastChange()).add("online", JSON.createArrayBuilder(online)), "ref", ref));
    }

    OutFrame left(String room, String ref) {
        return encode(optional(frame("left").add("room", room), "ref", ref));
    }

    OutFrame unsubscribed(String room, String ref) {
        return encode(optional(frame("unsubscribed").add("room", room), "ref", ref));
    }

    OutFrame ack(Message message, String ref) {
        JsonObjectBuilder b = optional(frame("ack"), "clientMsgId", message.clientMsgId());
        return encode(optional(b.add("message", ChatJson.message(message)), "ref", ref));
    }

    /**
     * The {@code edited}, {@code deleted} or {@code reacted} reply to the sender's own edit, delete or reaction. No top-level {@code change}: a
     * reply can overtake earlier changes still on their way to the socket, so clients must not advance their stream
     * position from it.
     */
    OutFrame messageReply(String type, Message message, String ref) {
        return encode(optional(frame(type).add("message", ChatJson.message(message)), "ref", ref));
    }

    /** {@code room_added}: the user became a member of a room, on any node. */
    OutFrame roomAdded(Room room) {
        return encode(frame("room_added").add("room", room.name())
                .add("roomType", room.type().name().toLowerCase(Locale.ROOT)));
    }

    /** {@code mentioned}: a message mentioned the user, on any node. */
    OutFrame mentioned(Room room, Message message) {
        return encode(frame("mentioned").add("room", room.name()).add("message", ChatJson.message(message)));
    }

    OutFrame unread(RoomSummary summary, String ref) {
        return encode(optional(frame("unread").add("room", summary.room().name())
                .add("lastReadSeq", summary.lastReadSeq()).add("unread", summary.unread())
                .add("unreadMentions", summary.unreadMentions()), "ref", ref));
    }

    /** {@code error}; {@code room} is {@code null} unless the error concerns one room's stream. */
    OutFrame error(String code, String message, String ref, String room) {
        JsonObjectBuilder b = optional(frame("error").add("code", code), "message", message);
        return encode(optional(optional(b, "ref", ref), "room", room));
    }

    OutFrame pong(String ref) {
        return encode(optional(frame("pong"), "ref", ref));
    }

    /** Frames encoded so far (events count once however many recipients share them). */
    long encodedCount() {
        return encoded.sum();
    }

    /** A frame's object, starting with its {@code type}: members are written in the order they are added. */
    private static JsonObjectBuilder frame(String type) {
        return JSON.createObjectBuilder().add("type", type);
    }

    /** Adds an optional member: an absent ({@code null}) value is omitted, never written as {@code null}. */
    private static JsonObjectBuilder optional(JsonObjectBuilder frame, String name, String value) {
        return value == null ? frame : frame.add(name, value);
    }

    private OutFrame encode(JsonObjectBuilder frame) {
        return encode(frame.build());
    }

    private OutFrame encode(JsonObject frame) {
        encoded.increment();
        return new OutFrame(jsonb.toJson(frame));
    }

    @Override
    public void close() {
        try {
            jsonb.close();
        } catch (Exception e) {
            // Nothing to release that matters; JSON-B declares a checked exception.
        }
    }
}
