package dev.parley.chat.transport.websocket;

import dev.parley.chat.core.Message;
import dev.parley.chat.core.RoomSummary;
import dev.parley.chat.core.User;

/** The frames that write to a room: {@code send}, {@code edit}, {@code delete}, {@code read} and {@code typing}. */
final class MessageCommands {
    private final Connection conn;

    MessageCommands(Connection conn) {
        this.conn = conn;
    }

    void send(User u, Inbound in) {
        String room = in.string("room");
        String body = in.string("body");
        String clientMsgId = in.optionalString("clientMsgId");
        Message m = conn.service.send(u, room, body, clientMsgId);
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

    void delete(User u, Inbound in) {
        long messageId = in.integer("id", 0);
        conn.out.sendLive(conn.frames.messageReply("deleted", conn.service.delete(u, messageId), in.ref()));
    }
}
