package dev.parley.chat.transport.websocket;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ChatListener;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.RoomSubscription;
import dev.parley.chat.core.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One socket's subscription to one room: the {@link ChatListener} handed to {@code ChatService.subscribe}.
 *
 * <p>Until {@link #activate} runs, events are held back: {@code subscribe} replays stored changes on the calling
 * thread before it returns, and the {@code subscribed} frame must reach the client first. {@code activate} queues
 * {@code subscribed}, then the held events, then lets later events through directly. All of it happens under this
 * object's monitor, which also orders live events (the service never calls one listener concurrently). The monitor
 * is never held while closing the core subscription: the core holds its feed lock while calling us.
 *
 * <p>It also tracks the position of the last change queued to the socket, so that a repeated {@code join} can
 * answer where this socket's stream stands without reading anything.
 */
final class RoomSub implements ChatListener {
    final String room;
    private final Connection conn;
    private List<ChatEvent> held = new ArrayList<>(); // null once active; guarded by this
    private ChatException failure; // an onError that came while events were held; guarded by this
    private boolean closed; // guarded by this
    private long lastSeq; // the highest sequence queued to the socket (or covered by subscribed); guarded by this
    private long lastChange; // likewise the highest change; guarded by this
    private long liveAfter = Long.MAX_VALUE; // the change the live stream continues after, once active; guarded by this
    /** Who is online in the room as queued to the socket: {@code subscribed}'s list plus the presence since. */
    private final Set<String> online = new TreeSet<>(String.CASE_INSENSITIVE_ORDER); // guarded by this
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
            queue(event, true);
        }
    }

    /**
     * The core ended the subscription ({@code resync_required}). Called at most once, last, possibly on the
     * core's catch-up thread with its feed lock held: it only queues a frame and forgets the subscription. One that
     * comes before {@link #activate} is reported after the held events, so that {@code subscribed} still comes
     * first.
     */
    @Override
    public void onError(ChatException error) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (held != null) {
                failure = error;
                return;
            }
            conn.rooms.streamFailed(this, error);
        }
    }

    /**
     * Queues {@code subscribed}, then the replayed and buffered events (not counted against the queue limit), then
     * the failure if the core already ended the subscription.
     *
     * @param s the core subscription, whose position {@code subscribedFrame} reports
     */
    void activate(RoomSubscription s, OutFrame subscribedFrame) {
        this.subscription = s;
        boolean closeNow;
        synchronized (this) {
            closeNow = closed;
            if (!closed) {
                RoomPosition at = s.position();
                lastSeq = at.lastSeq();
                lastChange = at.lastChange();
                liveAfter = at.lastChange();
                online.addAll(s.online());
                conn.out.sendReplay(subscribedFrame);
                List<ChatEvent> events = held;
                held = null;
                for (ChatEvent e : events) {
                    if (closed) {
                        break; // the user's own MemberLeft ended the stream
                    }
                    queue(e, false);
                }
                if (failure != null && !closed) {
                    conn.rooms.streamFailed(this, failure);
                }
            }
        }
        if (closeNow) {
            s.close();
        }
    }

    /**
     * Answers a repeated {@code join}: queues {@code subscribed} at the position queued to the socket so far,
     * between the stream frames it covers and those after it.
     *
     * @return false if this subscription has ended (or is not active yet): the caller subscribes afresh
     */
    synchronized boolean answerAgain(String ref) {
        if (closed || held != null) {
            return false;
        }
        conn.out.sendLive(conn.frames.subscribed(room, new RoomPosition(lastSeq, lastChange), List.copyOf(online),
                ref));
        return true;
    }

    /**
     * Whether a change is live rather than replayed: beyond the subscription's position. Only a live departure of the
     * socket's own user ends the stream; a replayed one (the user left and came back while away) is history. Called
     * by the connection under this monitor.
     */
    boolean isLive(ChatEvent.RoomChange change) {
        return change.change() > liveAfter;
    }

    /** Under the monitor. */
    private void queue(ChatEvent event, boolean live) {
        if (event instanceof ChatEvent.Presence p) {
            if (p.online()) {
                online.add(p.username());
            } else {
                online.remove(p.username());
            }
        }
        if (event instanceof ChatEvent.RoomChange change) {
            // Replayed changes lie at or below the subscription's position, live ones above it: max() covers both,
            // and an edit of an old message (a low seq) at a new change.
            lastChange = Math.max(lastChange, change.change());
            lastSeq = Math.max(lastSeq, seqOf(change));
        }
        conn.rooms.deliver(this, event, live);
    }

    /** The sequence of the message a change carries; 0 for a membership change. */
    private static long seqOf(ChatEvent.RoomChange change) {
        if (change instanceof ChatEvent.MessagePosted e) {
            return e.message().seq();
        } else if (change instanceof ChatEvent.MessageEdited e) {
            return e.message().seq();
        } else if (change instanceof ChatEvent.MessageDeleted e) {
            return e.message().seq();
        } else if (change instanceof ChatEvent.MessageReacted e) {
            return e.message().seq();
        }
        return 0;
    }

    /**
     * Stops delivery without touching the core subscription: for the socket's own {@code MemberLeft} and for
     * {@code resync_required}, after which the core has ended (or ends) the subscription itself. Called with this
     * monitor held.
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
