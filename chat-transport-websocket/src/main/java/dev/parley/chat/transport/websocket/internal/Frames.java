package dev.parley.chat.transport.websocket.internal;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.RoomSummary;
import dev.parley.chat.core.User;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Encodes server frames. A {@link ChatEvent} is encoded once however many sockets receive it: the core hands the
 * same event instance to every local subscriber, so a small identity-keyed memo (a fixed array of slots indexed by
 * the identity hash) returns the cached frame, and with it the wire bytes built for the first recipient, to the
 * second and later ones. A collision or a race only costs a second encoding, never a wrong frame, and the memo holds
 * at most {@link #MEMO_SLOTS} events.
 */
final class Frames implements AutoCloseable {
    static final int MEMO_SLOTS = 256;

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
        if (event instanceof ChatEvent.MessagePosted e) {
            return messageChange("message", e.message());
        } else if (event instanceof ChatEvent.MessageEdited e) {
            return messageChange("edited", e.message());
        } else if (event instanceof ChatEvent.MessageDeleted e) {
            return messageChange("deleted", e.message());
        } else if (event instanceof ChatEvent.MemberJoined e) {
            return memberChange(e.room(), e.user(), "join", e.change());
        } else if (event instanceof ChatEvent.MemberLeft e) {
            return memberChange(e.room(), e.user(), "leave", e.change());
        } else if (event instanceof ChatEvent.Typing e) {
            return encode(new Wire.Typing("typing", e.room(), Wire.UserJson.of(e.user())));
        } else if (event instanceof ChatEvent.Presence e) {
            return encode(new Wire.Presence("presence", e.room(), new Wire.UserJson(e.userId(), e.username()),
                    e.online() ? "online" : "offline"));
        }
        throw new IllegalArgumentException("unknown event " + event.getClass().getName());
    }

    private OutFrame messageChange(String type, Message message) {
        return encode(new Wire.MessageChange(type, message.room(), message.change(), Wire.MessageJson.of(message)));
    }

    private OutFrame memberChange(String room, User user, String state, long change) {
        return encode(new Wire.MemberChange("presence", room, Wire.UserJson.of(user), state, change));
    }

    OutFrame ready(User user, String ref) {
        return encode(new Wire.Ready("ready", Wire.UserJson.of(user), ref));
    }

    /** {@code subscribed}: the position the socket's stream of the room continues after. */
    OutFrame subscribed(String room, RoomPosition position, List<String> online, String ref) {
        return encode(new Wire.Subscribed("subscribed", room, position.lastSeq(), position.lastChange(), online,
                ref));
    }

    OutFrame left(String room, String ref) {
        return encode(new Wire.RoomOnly("left", room, ref));
    }

    OutFrame unsubscribed(String room, String ref) {
        return encode(new Wire.RoomOnly("unsubscribed", room, ref));
    }

    OutFrame ack(Message message, String ref) {
        return encode(new Wire.Ack("ack", message.clientMsgId(), Wire.MessageJson.of(message), ref));
    }

    /** The {@code edited} or {@code deleted} reply to the sender's own edit or delete. */
    OutFrame messageReply(String type, Message message, String ref) {
        return encode(new Wire.MessageReply(type, Wire.MessageJson.of(message), ref));
    }

    /** {@code room_added}: the user became a member of a room, on any node. */
    OutFrame roomAdded(Room room) {
        return encode(new Wire.RoomAdded("room_added", room.name(), room.type().name().toLowerCase(Locale.ROOT)));
    }

    OutFrame unread(RoomSummary summary, String ref) {
        return encode(new Wire.Unread("unread", summary.room().name(), summary.lastReadSeq(), summary.unread(),
                ref));
    }

    /** {@code error}; {@code room} is {@code null} unless the error concerns one room's stream. */
    OutFrame error(String code, String message, String ref, String room) {
        return encode(new Wire.Error("error", code, message, ref, room));
    }

    OutFrame pong(String ref) {
        return encode(new Wire.Pong("pong", ref));
    }

    /** Frames encoded so far (events count once however many recipients share them). */
    long encodedCount() {
        return encoded.sum();
    }

    private OutFrame encode(Object frame) {
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
