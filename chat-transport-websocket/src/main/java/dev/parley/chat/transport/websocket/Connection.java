package dev.parley.chat.transport.websocket;

import dev.parley.chat.core.ChatService;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One socket's lifecycle: it owns the pieces that do the socket's work, each with one job, and closes and cleans up
 * the socket exactly once.
 *
 * <ul>
 *   <li>{@link InboundFrames}: every client frame, from size check and rate limit to the handler of its type;
 *   <li>{@link SocketAuth}: {@code auth}, the socket's user and token, and the user's room and logout notices;
 *   <li>{@link RoomStreams}: room subscriptions ({@code join}, {@code resume}, {@code unsubscribe}, {@code leave})
 *       and the delivery of their events;
 *   <li>{@link MessageCommands}: {@code send}, {@code edit}, {@code delete}, {@code read}, {@code typing};
 *   <li>{@link KeepAlive}: pings and pongs, stalled writes and the periodic token re-validation;
 *   <li>{@link Replies}: the bounded outbound queue, error frames and slow-consumer closes.
 * </ul>
 *
 * <p>Inbound frames arrive on container threads, one at a time per socket; chat events arrive on publishers' threads
 * and only ever queue frames. Closing never runs on a publisher's thread either: the close and the clean-up are
 * handed to the transport's scheduler.
 */
final class Connection {
    private static final System.Logger LOG = System.getLogger(Connection.class.getName());
    static final CloseReason.CloseCode POLICY = CloseReason.CloseCodes.VIOLATED_POLICY;

    final long id;
    final Session session;
    final String remoteAddress;
    final ChatWebSocket hub;
    final Settings settings;
    final ChatService service;
    final Frames frames;
    final Replies out;
    final SocketAuth auth;
    final RoomStreams rooms;
    final KeepAlive keepAlive;
    final InboundFrames inbound;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean cleaned = new AtomicBoolean();
    private volatile boolean registered;

    Connection(long id, Session session, String remoteAddress, ChatWebSocket hub) {
        this.id = id;
        this.session = session;
        this.remoteAddress = remoteAddress;
        this.hub = hub;
        this.settings = hub.settings;
        this.service = hub.service;
        this.frames = hub.frames;
        this.inbound = new InboundFrames(this);
        this.out = new Replies(this);
        this.auth = new SocketAuth(this);
        this.rooms = new RoomStreams(this);
        this.keepAlive = new KeepAlive(this);
    }

    void markRegistered() {
        registered = true;
    }

    boolean isRegistered() {
        return registered;
    }

    boolean isClosed() {
        return closed.get();
    }

    boolean isAuthenticated() {
        return auth.user() != null && !closed.get();
    }

    /** Counts the reason as an error code, then closes. */
    void closeForPolicy(CloseReason.CloseCode code, String reason) {
        if (!closed.get()) {
            hub.counters.error(reason);
        }
        close(code, reason);
    }

    /**
     * Closes the socket with a close frame, asynchronously: drops queued frames, then closes and cleans up on the
     * transport's scheduler. Idempotent; safe on any thread, including a publisher's.
     */
    void close(CloseReason.CloseCode code, String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        out.close();
        hub.execute(() -> {
            try {
                if (session.isOpen()) {
                    session.close(new CloseReason(code, reason));
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.DEBUG, "connection " + id + ": close failed", e);
            }
            cleanUp();
        });
    }

    /** The container reports the socket closed (by either side). */
    void onClosed() {
        closed.set(true);
        out.close();
        cleanUp();
    }

    void onError(Throwable t) {
        LOG.log(Level.DEBUG, "connection " + id + ": transport error", t);
    }

    /** Ends subscriptions, presence and registration. Idempotent. */
    private void cleanUp() {
        if (!cleaned.compareAndSet(false, true)) {
            return;
        }
        auth.end();
        if (auth.user() != null) {
            rooms.closeAll();
        }
        hub.unregister(this);
    }
}
