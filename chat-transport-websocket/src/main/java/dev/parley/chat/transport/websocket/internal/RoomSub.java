package dev.parley.chat.transport.websocket.internal;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.ChatListener;
import dev.parley.chat.core.Subscription;
import java.util.ArrayList;
import java.util.List;

/**
 * One socket's subscription to one room: the {@link ChatListener} handed to {@code ChatService.subscribe}.
 *
 * <p>Until {@link #activate} runs, events are held back: {@code subscribe} replays stored messages on the calling
 * thread before it returns, and the {@code subscribed} frame must reach the client first. {@code activate} queues
 * {@code subscribed}, then the held events, then lets later events through directly. All of it happens under this
 * object's monitor, which also orders live events (the service never calls one listener concurrently). The monitor
 * is never held while closing the core subscription: the core holds its feed lock while calling us.
 */
final class RoomSub implements ChatListener {
    final String room;
    private final Connection conn;
    private List<ChatEvent> held = new ArrayList<>(); // null once active; guarded by this
    private boolean closed; // guarded by this
    private volatile Subscription subscription;

    RoomSub(String room, Connection conn) {
        this.room = room;
        this.conn = conn;
    }

    @Override
    public void onEvent(ChatEvent event) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (held != null) {
                held.add(event);
                return;
            }
            conn.deliver(this, event, true);
        }
    }

    /** Queues {@code subscribed}, then the replayed and buffered events (not counted against the queue limit). */
    void activate(Subscription s, OutFrame subscribedFrame) {
        this.subscription = s;
        boolean closeNow;
        synchronized (this) {
            closeNow = closed;
            if (!closed) {
                conn.sendReplay(subscribedFrame);
                List<ChatEvent> events = held;
                held = null;
                for (ChatEvent e : events) {
                    if (closed) {
                        break; // the user's own MemberLeft ended the stream
                    }
                    conn.deliver(this, e, false);
                }
            }
        }
        if (closeNow) {
            s.close();
        }
    }

    /**
     * Stops delivery without touching the core subscription: for the socket's own {@code MemberLeft}, after which
     * the core ends the subscription itself. Called from {@link #onEvent}, with this monitor held.
     */
    void ended() {
        synchronized (this) {
            closed = true;
            held = null;
        }
    }

    /** Stops delivery and ends the core subscription. Idempotent; never called with this monitor held. */
    void close() {
        synchronized (this) {
            closed = true;
            held = null;
        }
        Subscription s = subscription;
        if (s != null) {
            s.close();
        }
    }
}
