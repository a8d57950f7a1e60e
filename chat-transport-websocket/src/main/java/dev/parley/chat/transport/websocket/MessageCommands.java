package dev.parley.chat.transport.websocket;

import dev.parley.chat.core.Message;
import dev.parley.chat.core.RoomSummary;
import dev.parley.chat.core.User;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;

/**
 * The frames that write to a room: {@code send}, {@code edit}, {@code delete}, {@code react}, {@code unreact},
 * {@code read} and {@code typing}.
 */
final class MessageCommands {
    /**
     * Sends of one socket that may wait for the store at once. A socket's frames are read one at a time, so without
     * pipelining each send waited for its own commit and a busy socket put one message in each group commit; with
     * it, its sends share commits. Beyond the cap the reading thread waits, which pushes back on the client.
     */
    static final int MAX_PIPELINED_SENDS = 32;

    private final Connection conn;
    private final Semaphore pipelined = new Semaphore(MAX_PIPELINED_SENDS);

    MessageCommands(Connection conn) {
        this.conn = conn;
    }

    /** Acks come in the order of the sends (the service completes one caller's sends in order). */
    void send(User u, Inbound in) {
        String room = in.string("room");
        String body = in.string("body");
        String clientMsgId = in.optionalString("clientMsgId");
        Long replyTo = in.optionalInteger("replyTo", 1);
        String ref = in.ref();
        pipelined.acquireUninterruptibly();
        CompletionStage<Message> sent;
        try {
            sent = conn.service.sendAsync(u, room, body, clientMsgId, replyTo == null ? 0 : replyTo);
        } catch (RuntimeException e) {
            pipelined.release();
            throw e;
        }
        sent.whenComplete((m, failure) -> {
            pipelined.release();
            if (failure == null) {
                conn.out.sendLive(conn.frames.ack(m, ref));
            } else {
                conn.out.sendFailure(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure, "send", ref);
            }
        });
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
