package dev.parley.chat.transport.websocket;

import dev.parley.chat.core.Message;
import dev.parley.chat.core.RoomSummary;
import dev.parley.chat.core.User;

/**
 * The frames that write to a room: {@code send}, {@code edit}, {@code delete}, {@code react}, {@code unreact},
 * {@code read} and {@code typing}.
 */
final class MessageCommands {
    private final Connection conn;

    MessageCommands(Connection conn) {
        this.conn = conn;
    }

    void send(User u, Inbound in) {
        String room = in.string("room");
        String body = in.string("body");
        String clientMsgId = in.optionalString("clientMsgId");
        Long replyTo = in.optionalInteger("replyTo", 1);
        Message m = conn.service.send(u, room, body, clientMsgId, replyTo == null ? 0 : replyTo);
        conn.out.sendLive(conn.frames.ack(m, in.ref()));
    }

    void typing(User u, Inbound in) {
        conn.service.typing(u, in.string("room"));
    }

    void read(User u, Inbound in) {
        String room = in.string("room");
        long seq = in.integer("seq", 0);
        RoomSummary summary = conn.service.markRead(u, room, seq);
        conn.out.sendLive(conn.frames.unread(summary, in.ref()));
    }

    void edit(User u, Inbound in) {
        long messageId = in.integer("id", 0);
        String body = in.string("body");
        conn.out.sendLive(conn.frames.messageReply("edited", conn.service.edit(u, messageId, body), in.ref()));
    }

    /** {@code react} and {@code unreact} both answer {@code reacted} with the message as it is now. */
    void react(User u, Inbound in, boolean add) {
        long messageId = in.integer("id", 0);
        String emoji = in.string("emoji");
        Message m = add ? conn.service.react(u, messageId, emoji) : conn.service.unreact(u, messageId, emoji);
        conn.out.sendLive(conn.frames.messageReply("reacted", m, in.ref()));
    }

    void delete(User u, Inbound in) {
        long messageId = in.integer("id", 0);
        conn.out.sendLive(conn.frames.messageReply("deleted", conn.service.delete(u, messageId), in.ref()));
    }
}
