package dev.parley.chat.transport.websocket.internal;

import dev.parley.chat.core.AuthenticationException;
import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ChatService;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.InvalidRequestException;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.RoomSubscription;
import dev.parley.chat.core.RoomSummary;
import dev.parley.chat.core.StreamStart;
import dev.parley.chat.core.Subscription;
import dev.parley.chat.core.User;
import dev.parley.chat.core.UserListener;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One socket: its authentication state, rate limiter, outbound queue and room subscriptions, and the handlers for
 * every client frame. Inbound frames arrive on container threads, one at a time per socket; chat events arrive on
 * publishers' threads and only ever queue frames. Closing never runs on a publisher's thread either: the close and
 * the clean-up are handed to the hub's scheduler.
 */
final class Connection {
    private static final System.Logger LOG = System.getLogger(Connection.class.getName());

    /** Pings that may go unanswered before the socket is considered dead. */
    static final int MISSED_PONGS = 3;
    private static final ByteBuffer PING = ByteBuffer.wrap("parley".getBytes(StandardCharsets.US_ASCII))
            .asReadOnlyBuffer();
    private static final CloseReason.CloseCode POLICY = CloseReason.CloseCodes.VIOLATED_POLICY;

    final long id;
    final Session session;
    final String remoteAddress;
    private final WebSocketHub hub;
    private final Settings settings;
    private final ChatService service;
    final Frames frames;
    private final Outbound out;
    private final RateLimiter limiter;
    private final Map<String, RoomSub> rooms = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean cleaned = new AtomicBoolean();
    private final AtomicBoolean revalidating = new AtomicBoolean();
    private volatile boolean registered;
    private volatile User user;
    private volatile byte[] token;
    private volatile Subscription userWatch;
    private volatile long lastPongAt;
    private volatile long lastValidatedAt;
    private volatile Future<?> authTimer;

    Connection(long id, Session session, String remoteAddress, WebSocketHub hub) {
        this.id = id;
        this.session = session;
        this.remoteAddress = remoteAddress;
        this.hub = hub;
        this.settings = hub.settings;
        this.service = hub.service;
        this.frames = hub.frames;
        this.limiter = new RateLimiter(settings.ratePerSecond(), settings.rateBurst(), settings.clock().millis());
        this.out = new Outbound(hub.rawFrames.writer(session), session.getAsyncRemote(), hub.flusher,
                settings.outboundQueueLimit(), hub.counters.framesOut::add, this::sendFailed);
    }

    void markRegistered() {
        registered = true;
    }

    boolean isRegistered() {
        return registered;
    }

    boolean isAuthenticated() {
        return user != null && !closed.get();
    }

    void startAuthTimer() {
        authTimer = hub.schedule(() -> {
            if (user == null) {
                closeForPolicy(POLICY, "auth_timeout");
            }
        }, settings.authTimeout().toMillis());
    }

    // ---- inbound ---------------------------------------------------------------------------------------------

    /** Binary frames are not part of the protocol: the first one (or its first fragment) closes the socket. */
    void onBinary() {
        hub.counters.framesIn.increment();
        closeForPolicy(CloseReason.CloseCodes.CANNOT_ACCEPT, "binary_not_supported");
    }

    void onText(String text) {
        hub.counters.framesIn.increment();
        if (closed.get()) {
            return;
        }
        if (!fits(text, settings.maxFrameBytes())) {
            closeForPolicy(CloseReason.CloseCodes.TOO_BIG, "frame_too_large");
            return;
        }
        Inbound in = null;
        WireError parseError = null;
        try {
            in = Inbound.parse(text);
        } catch (WireError e) {
            parseError = e;
        }
        String ref = in == null ? null : in.ref();
        switch (limiter.acquire(settings.clock().millis())) {
            case ABUSIVE:
                closeForPolicy(POLICY, "rate_limited");
                return;
            case LIMITED:
                sendError(WireError.RATE_LIMITED, "too many frames; slow down", ref);
                return;
            default:
                break;
        }
        if (parseError != null) {
            sendError(parseError.code(), parseError.getMessage(), ref);
            return;
        }
        try {
            dispatch(in);
        } catch (WireError e) {
            sendError(e.code(), e.getMessage(), ref);
        } catch (ChatException e) {
            sendError(e.code().code(), e.getMessage(), ref);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "connection " + id + ": unexpected failure handling a " + in.type() + " frame", e);
            sendError(WireError.INTERNAL_ERROR, "internal error", ref);
        }
    }

    void onPong() {
        lastPongAt = settings.clock().millis();
    }

    private void dispatch(Inbound in) {
        String type = in.type();
        if (type == null) {
            throw new WireError(WireError.UNKNOWN_TYPE, "type is missing or not a string");
        }
        switch (type) {
            case "ping":
                sendLive(frames.pong(in.ref()));
                return;
            case "auth":
                auth(in);
                return;
            case "join":
            case "resume":
            case "unsubscribe":
            case "leave":
            case "send":
            case "typing":
            case "read":
            case "edit":
            case "delete":
                break;
            default:
                throw new WireError(WireError.UNKNOWN_TYPE, "unknown type: "
                        + (type.length() > 32 ? type.substring(0, 32) + "..." : type));
        }
        User u = user;
        if (u == null) {
            throw new WireError(WireError.NOT_AUTHENTICATED, "send auth first");
        }
        String ref = in.ref();
        switch (type) {
            case "join": {
                Room r = service.join(u, in.string("room"));
                subscribe(u, r.name(), StreamStart.live(), ref);
                return;
            }
            case "resume": {
                String room = in.string("room");
                StreamStart start = resumeStart(in);
                Room r = service.findRoom(u, room);
                subscribe(u, r.name(), start, ref);
                return;
            }
            case "unsubscribe": {
                String room = in.string("room");
                String name = rooms.containsKey(room) ? room : service.findRoom(u, room).name();
                drop(name, u);
                sendLive(frames.unsubscribed(name, ref));
                return;
            }
            case "leave": {
                Room r = service.findRoom(u, in.string("room"));
                // Unsubscribe first, so this socket's reply is exactly one `left`, whatever the fan-out's timing.
                drop(r.name(), u);
                service.leave(u, r.name());
                sendLive(frames.left(r.name(), ref));
                return;
            }
            case "send": {
                String room = in.string("room");
                String body = in.string("body");
                String clientMsgId = in.optionalString("clientMsgId");
                Message m = service.send(u, room, body, clientMsgId);
                sendLive(frames.ack(m, ref));
                return;
            }
            case "typing":
                service.typing(u, in.string("room"));
                return;
            case "read": {
                String room = in.string("room");
                long seq = in.integer("seq", 0);
                RoomSummary summary = service.markRead(u, room, seq);
                sendLive(frames.unread(summary, ref));
                return;
            }
            case "edit": {
                long messageId = in.integer("id", 0);
                String body = in.string("body");
                sendLive(frames.messageReply("edited", service.edit(u, messageId, body), ref));
                return;
            }
            case "delete": {
                long messageId = in.integer("id", 0);
                sendLive(frames.messageReply("deleted", service.delete(u, messageId), ref));
                return;
            }
            default:
                throw new IllegalStateException(type);
        }
    }

    private void auth(Inbound in) {
        if (user != null) {
            throw new WireError(WireError.ALREADY_AUTHENTICATED, "already authenticated");
        }
        String t = in.string("token");
        // The socket is known by its token before the check: a logout that lands while the check runs finds it
        // (closeSessionsForToken) and closes it, and one that completed before the check makes the check fail.
        // Recording the token only after a successful check would leave a window in which neither happens.
        token = t.getBytes(StandardCharsets.UTF_8);
        User u;
        try {
            u = settings.authenticator().authenticate(t);
        } catch (AuthenticationException e) {
            closeForPolicy(POLICY, tokenRefusal(e));
            return;
        } catch (RuntimeException e) {
            token = null; // answered with an error frame; the socket stays open and unauthenticated
            throw e;
        }
        if (u == null) {
            closeForPolicy(POLICY, "invalid_token");
            return;
        }
        if (closed.get()) {
            return; // logged out (or otherwise closed) during the check: never ready
        }
        long now = settings.clock().millis();
        lastPongAt = now;
        lastValidatedAt = now;
        user = u;
        watch(u, t);
        Future<?> timer = authTimer;
        if (timer != null) {
            timer.cancel(false);
        }
        WebSocketHub.raiseIdleTimeout(session, settings.pingInterval().toMillis() * (MISSED_PONGS + 1));
        sendLive(frames.ready(u, in.ref()));
    }

    /**
     * Hears of the user's new rooms and of the session's end on any node. A logout on this node also closes the
     * socket directly ({@code closeSessionsForToken}), which covers a logout racing the token check above.
     */
    private void watch(User u, String t) {
        Subscription w = service.watchUser(u, t, new UserListener() {
            @Override
            public void onRoomAdded(Room room) {
                sendLive(frames.roomAdded(room));
            }

            @Override
            public void onSessionEnded() {
                closeForPolicy(POLICY, "logged_out");
            }
        });
        userWatch = w;
        if (closed.get()) {
            w.close();
        }
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
        if (out.size() > settings.outboundQueueLimit()) {
            throw new WireError(WireError.RATE_LIMITED, "still delivering an earlier replay; retry later");
        }
        RoomSub sub = new RoomSub(room, this);
        RoomSubscription s;
        try {
            s = service.subscribe(u, room, start, sub);
        } catch (ChatException e) {
            if (e.code() != ErrorCode.RESYNC_REQUIRED) {
                throw e;
            }
            // The client's position cannot be continued, so what it holds of the room is suspect: after
            // resync_required this socket has no subscription to the room, whatever it had before.
            drop(room, u);
            sendError(e.code().code(), e.getMessage(), ref, room);
            return;
        }
        RoomSub old = rooms.put(room, sub);
        if (old != null) {
            old.close();
        }
        OutFrame subscribed = frames.subscribed(room, s.position(), s.online(), ref);
        if (closed.get()) { // closed while subscribing: undo what clean-up may have missed
            rooms.remove(room, sub);
            sub.close();
            s.close();
            return;
        }
        sub.activate(s, subscribed);
    }

    private void drop(String room, User u) {
        RoomSub sub = rooms.remove(room);
        if (sub != null) {
            sub.close();
        }
    }

    // ---- outbound --------------------------------------------------------------------------------------------

    /** Called by a {@link RoomSub} under its monitor, in event order. */
    void deliver(RoomSub sub, ChatEvent event, boolean live) {
        User u = user;
        if (event instanceof ChatEvent.Typing typing && typing.user().id() == u.id()) {
            return; // not echoed to the typist
        }
        OutFrame frame = frames.event(event);
        if (live) {
            sendLive(frame);
        } else {
            sendReplay(frame);
        }
        if (event instanceof ChatEvent.MemberLeft left && left.user().id() == u.id() && sub.isLive(left)) {
            // This user left (on another socket or node): the core ends the subscription after this event.
            endStream(sub, frames.left(sub.room, null));
        }
    }

    /**
     * Called by a {@link RoomSub} under its monitor when the core ended its subscription because it could not keep
     * the stream complete: the client hears {@code resync_required} for the room, and the socket stays open.
     */
    void streamFailed(RoomSub sub, ChatException error) {
        hub.counters.error(error.code().code());
        endStream(sub, frames.error(error.code().code(), error.getMessage(), null, sub.room));
    }

    /**
     * Forgets a subscription the core has ended by itself (nothing to close) and queues the frame that tells the
     * client so: the last one of the room.
     */
    private void endStream(RoomSub sub, OutFrame last) {
        sub.ended();
        rooms.remove(sub.room, sub);
        sendReplay(last);
    }

    /** Queues a live frame; closes the socket as a slow consumer if its queue is full. Never blocks. */
    void sendLive(OutFrame frame) {
        if (!out.offer(frame, true)) {
            hub.counters.slowConsumerCloses.increment();
            closeForPolicy(POLICY, "slow_consumer");
        }
    }

    /** Queues a frame that does not count against the queue limit (replay, and frames that end a stream). */
    void sendReplay(OutFrame frame) {
        out.offer(frame, false);
    }

    private void sendError(String code, String message, String ref) {
        sendError(code, message, ref, null);
    }

    /** An error about one room's stream names the room, so that a client can act on it without a {@code ref}. */
    private void sendError(String code, String message, String ref, String room) {
        hub.counters.error(code);
        sendLive(frames.error(code, message, ref, room));
    }

    private void sendFailed(Throwable t) {
        if (closed.get()) {
            return;
        }
        if (t instanceof SocketTimeoutException || t instanceof TimeoutException
                || (t != null && t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains("timeout"))) {
            hub.counters.slowConsumerCloses.increment();
            closeForPolicy(POLICY, "slow_consumer");
        } else {
            LOG.log(Level.DEBUG, "connection " + id + ": send failed", t);
            close(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "send_failed");
        }
    }

    // ---- keep-alive and token checks ---------------------------------------------------------------------------

    /** The close reason for a token the authenticator refused: its own code if {@code token_expired}. */
    private static String tokenRefusal(AuthenticationException e) {
        return e.code() == ErrorCode.TOKEN_EXPIRED ? "token_expired" : "invalid_token";
    }

    /** Called by the hub's sweep every ping interval. */
    void tick(long now) {
        if (closed.get() || user == null) {
            return;
        }
        long since = out.stalledSince();
        if (since >= 0 && System.nanoTime() - since > settings.sendTimeout().toNanos()) {
            hub.counters.slowConsumerCloses.increment();
            closeForPolicy(POLICY, "slow_consumer");
            return;
        }
        long ping = settings.pingInterval().toMillis();
        if (now - lastPongAt > ping * MISSED_PONGS) {
            closeForPolicy(CloseReason.CloseCodes.GOING_AWAY, "ping_timeout");
            return;
        }
        try {
            session.getAsyncRemote().sendPing(PING.duplicate());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "connection " + id + ": ping failed", e);
        }
        if (now - lastValidatedAt >= settings.tokenRecheckInterval().toMillis()
                && revalidating.compareAndSet(false, true)) {
            hub.execute(this::revalidate);
        }
    }

    private void revalidate() {
        try {
            byte[] t = token;
            User u = user;
            if (t == null || u == null || closed.get()) {
                return;
            }
            User again = settings.authenticator().authenticate(new String(t, StandardCharsets.UTF_8));
            if (again == null || again.id() != u.id()) {
                closeForPolicy(POLICY, "invalid_token");
            } else {
                lastValidatedAt = settings.clock().millis();
            }
        } catch (AuthenticationException e) {
            closeForPolicy(POLICY, tokenRefusal(e)); // the reason auth would give for this token now
        } catch (ChatException e) {
            LOG.log(Level.DEBUG, "connection " + id + ": token re-validation failed (" + e.code().code()
                    + "); retrying at the next interval");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "connection " + id + ": token re-validation failed", e);
        } finally {
            revalidating.set(false);
        }
    }

    /** Constant-time comparison with the token this socket authenticated, or is authenticating, with. */
    boolean hasToken(byte[] candidate) {
        byte[] t = token;
        return t != null && MessageDigest.isEqual(t, candidate);
    }

    // ---- closing ---------------------------------------------------------------------------------------------

    /** Counts the reason as an error code, then closes. */
    void closeForPolicy(CloseReason.CloseCode code, String reason) {
        if (!closed.get()) {
            hub.counters.error(reason);
        }
        close(code, reason);
    }

    /**
     * Closes the socket with a close frame, asynchronously: drops queued frames, then closes and cleans up on the
     * hub's scheduler. Idempotent; safe on any thread, including a publisher's.
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
        Future<?> timer = authTimer;
        if (timer != null) {
            timer.cancel(false);
        }
        Subscription w = userWatch;
        if (w != null) {
            w.close();
        }
        User u = user;
        for (String room : List.copyOf(rooms.keySet())) {
            if (u != null) {
                drop(room, u);
            }
        }
        hub.unregister(this);
    }

    /**
     * Whether a text is at most {@code max} bytes in UTF-8, without allocating. Unpaired surrogates count as the
     * three bytes of the replacement character, as an encoder would write them.
     */
    static boolean fits(String text, int max) {
        int n = text.length();
        if ((long) n * 3 <= max) {
            return true;
        }
        if (n > max) {
            return false;
        }
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
            if (bytes > max) {
                return false;
            }
        }
        return true;
    }
}
