package dev.parley.chat.transport.websocket;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.InvalidRequestException;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomSubscription;
import dev.parley.chat.core.StreamStart;
import dev.parley.chat.core.User;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One socket's room subscriptions: the {@code join}, {@code resume}, {@code unsubscribe} and {@code leave} frames,
 * and the delivery of each subscription's events ({@link RoomSub}) to the socket.
 */
final class RoomStreams {
    private final Connection conn;
    private final Map<String, RoomSub> rooms = new ConcurrentHashMap<>();

    RoomStreams(Connection conn) {
        this.conn = conn;
    }

    void join(User u, Inbound in) {
        Room r = conn.service.join(u, in.string("room"));
        subscribe(u, r.name(), StreamStart.live(), in.ref());
    }

    void resume(User u, Inbound in) {
        String room = in.string("room");
        StreamStart start = resumeStart(in);
        Room r = conn.service.findRoom(u, room);
        subscribe(u, r.name(), start, in.ref());
    }

    void unsubscribe(User u, Inbound in) {
        String room = in.string("room");
        String name = rooms.containsKey(room) ? room : conn.service.findRoom(u, room).name();
        drop(name);
        conn.out.sendLive(conn.frames.unsubscribed(name, in.ref()));
    }

    void leave(User u, Inbound in) {
        Room r = conn.service.findRoom(u, in.string("room"));
        // Unsubscribe first, so this socket's reply is exactly one `left`, whatever the fan-out's timing.
        drop(r.name());
        conn.service.leave(u, r.name());
        conn.out.sendLive(conn.frames.left(r.name(), in.ref()));
    }

    /**
     * Where a {@code resume} starts: after a change (lossless), or after a sequence (older clients); exactly one of
     * the two.
     */
    private static StreamStart resumeStart(Inbound in) {
        Long afterChange = in.optionalInteger("afterChange", 0);
        Long afterSeq = in.optionalInteger("afterSeq", 0);
        if (afterChange != null && afterSeq != null) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "give afterChange or afterSeq, not both");
        }
        if (afterChange != null) {
            return StreamStart.afterChange(afterChange);
        }
        if (afterSeq == null) {
            throw new WireError(WireError.MISSING_FIELD, "missing field: afterChange (or afterSeq)");
        }
        return StreamStart.afterSeq(afterSeq);
    }

    /**
     * Subscribes this socket to a room from {@code start}: live for {@code join}, after a position for
     * {@code resume}. A live start for a room this socket already has live answers {@code subscribed} again.
     */
    private void subscribe(User u, String room, StreamStart start, String ref) {
        RoomSub current = rooms.get(room);
        if (start.kind() == StreamStart.Kind.LIVE && current != null && current.answerAgain(ref)) {
            return; // already live here: answered again, nothing new started
        }
        if (conn.out.waiting() > conn.settings.outboundQueueLimit()) {
            throw new WireError(WireError.RATE_LIMITED, "still delivering an earlier replay; retry later");
        }
        RoomSub sub = new RoomSub(room, conn);
        RoomSubscription s;
        try {
            s = conn.service.subscribe(u, room, start, sub);
        } catch (ChatException e) {
            if (e.code() != ErrorCode.RESYNC_REQUIRED) {
                throw e;
            }
            // The client's position cannot be continued, so what it holds of the room is suspect: after
            // resync_required this socket has no subscription to the room, whatever it had before.
            drop(room);
            conn.out.sendError(e.code().code(), e.getMessage(), ref, room);
            return;
        }
        RoomSub old = rooms.put(room, sub);
        if (old != null) {
            old.close();
        }
        OutFrame subscribed = conn.frames.subscribed(room, s.position(), s.online(), ref);
        if (conn.isClosed()) { // closed while subscribing: undo what clean-up may have missed
            rooms.remove(room, sub);
            sub.close();
            s.close();
            return;
        }
        sub.activate(s, subscribed);
    }

    private void drop(String room) {
        RoomSub sub = rooms.remove(room);
        if (sub != null) {
            sub.close();
        }
    }

    /** Ends every subscription; for the socket's clean-up. */
    void closeAll() {
        for (String room : List.copyOf(rooms.keySet())) {
            drop(room);
        }
    }

    /** Called by a {@link RoomSub} under its monitor, in event order. */
    void deliver(RoomSub sub, ChatEvent event, boolean live) {
        User u = conn.auth.user();
        if (event instanceof ChatEvent.Typing typing && typing.user().id() == u.id()) {
            return; // not echoed to the typist
        }
        OutFrame frame = conn.frames.event(event);
        if (live) {
            conn.out.sendLive(frame);
        } else {
            conn.out.sendReplay(frame);
        }
        if (event instanceof ChatEvent.MemberLeft left && left.user().id() == u.id() && sub.isLive(left)) {
            // This user left (on another socket or node): the core ends the subscription after this event.
            endStream(sub, conn.frames.left(sub.room, null));
        }
    }

    /**
     * Called by a {@link RoomSub} under its monitor when the core ended its subscription because it could not keep
     * the stream complete: the client hears {@code resync_required} for the room, and the socket stays open.
     */
    void streamFailed(RoomSub sub, ChatException error) {
        conn.hub.counters.error(error.code().code());
        endStream(sub, conn.frames.error(error.code().code(), error.getMessage(), null, sub.room));
    }

    /**
     * Forgets a subscription the core has ended by itself (nothing to close) and queues the frame that tells the
     * client so: the last one of the room.
     */
    private void endStream(RoomSub sub, OutFrame last) {
        sub.ended();
        rooms.remove(sub.room, sub);
        conn.out.sendReplay(last);
    }
}
