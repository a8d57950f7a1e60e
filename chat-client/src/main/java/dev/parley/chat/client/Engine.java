package dev.parley.chat.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The WebSocket side of a {@link ParleyClient}: one socket at a time, its authentication, heartbeats and
 * reconnection, and the routing of frames to the {@link RoomTracker} (rooms and their change positions) and the
 * {@link Outbox} (operations awaiting a reply).
 *
 * <p>Threads: every field here and in those two is confined to {@code loop}, a single thread; the JDK WebSocket's
 * callbacks only assemble text and hand whole frames to it, and listener calls are handed to {@code callbacks}
 * (serial). Futures are completed on the loop thread.
 */
final class Engine implements Link {
    private static final System.Logger LOG = System.getLogger(ParleyClient.class.getName());
    /** The server's default frame limit (64 KiB), less room for the envelope. */
    static final int MAX_FRAME_BYTES = 64 * 1024;
    private static final Set<String> SESSION_ENDING = Set.of("invalid_token", "token_expired", "logged_out");

    private final ScheduledExecutorService loop;
    private final Executor callbacks;
    private final HttpClient http;
    private final URI wsUri;
    private final Clock clock;
    private final Backoff backoff;
    private final Duration connectTimeout;
    private final Duration pingInterval;
    private final Supplier<String> token;
    private final ConnectionListener connectionListener;
    private final Outbox outbox;
    private final RoomTracker rooms;

    private ConnectionState state = ConnectionState.DISCONNECTED;
    private boolean wanted;
    private boolean closed;
    private WebSocket socket;
    private CompletableFuture<Void> writes = CompletableFuture.completedFuture(null);
    private int attempt;
    private long lastFrameAt;
    private long pings;
    private CompletableFuture<User> connected = new CompletableFuture<>();
    private ScheduledFuture<?> reconnect;
    private final ScheduledFuture<?> heartbeat;

    Engine(ScheduledExecutorService loop, Executor callbacks, HttpClient http, URI wsUri, RestApi rest, Clock clock,
            Duration backoffFirst, Duration backoffMax, Duration connectTimeout, Duration pingInterval,
            Supplier<String> token, ConnectionListener connectionListener) {
        this.loop = loop;
        this.callbacks = callbacks;
        this.http = http;
        this.wsUri = wsUri;
        this.clock = clock;
        this.backoff = new Backoff(backoffFirst, backoffMax);
        this.connectTimeout = connectTimeout;
        this.pingInterval = pingInterval;
        this.token = token;
        this.connectionListener = connectionListener;
        this.outbox = new Outbox(loop, backoff, this);
        this.rooms = new RoomTracker(loop, callbacks,
                (room, after) -> rest.callAsync("GET", RoomTracker.changesPath(room, after), null, token.get()),
                this, outbox);
        outbox.rooms = rooms;
        long every = pingInterval.toMillis();
        this.heartbeat = loop.scheduleWithFixedDelay(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
    }

    // ---- called from any thread: each hops onto the loop -------------------------------------------------------

    CompletableFuture<User> connect() {
        CompletableFuture<User> result = new CompletableFuture<>();
        run(result, () -> {
            if (!wanted || state == ConnectionState.SESSION_ENDED) {
                wanted = true;
                if (connected.isDone()) {
                    connected = new CompletableFuture<>();
                }
                if (socket == null && reconnect == null) {
                    attempt = 0;
                    open();
                }
            }
            forward(connected, result);
        });
        return result;
    }

    CompletableFuture<Subscribed> join(String room, RoomListener listener) {
        CompletableFuture<Subscribed> result = new CompletableFuture<>();
        run(result, () -> forward(rooms.follow(room, listener), result));
        return result;
    }

    /** Completes {@code to} as {@code from} completes; a new future each time, so callers cannot complete ours. */
    private static <T> void forward(CompletableFuture<T> from, CompletableFuture<T> to) {
        from.whenComplete((v, e) -> {
            if (e != null) {
                to.completeExceptionally(e);
            } else {
                to.complete(v);
            }
        });
    }

    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> submit(Outbox.Kind kind, JsonObject frame, Runnable onLoop) {
        CompletableFuture<Object> future = new CompletableFuture<>();
        run(future, () -> {
            if (onLoop != null) {
                onLoop.run();
            }
            outbox.add(new Outbox.Op(kind, frame, future, null));
        });
        return (CompletableFuture<T>) (CompletableFuture<?>) future;
    }

    /** Runs on the loop (as the {@code onLoop} of a {@code leave}). */
    void leaveRoom(String room) {
        rooms.forget(room);
    }

    /** The change the client's stream of {@code room} continues after (-1 if none), read on the loop. */
    CompletableFuture<Long> lastChange(String room) {
        CompletableFuture<Long> result = new CompletableFuture<>();
        run(result, () -> result.complete(rooms.lastChange(room)));
        return result;
    }

    void typing(String room) {
        try {
            loop.execute(() -> {
                if (state == ConnectionState.CONNECTED) {
                    write(Json.createObjectBuilder().add("type", "typing").add("room", room).build());
                }
            });
        } catch (RejectedExecutionException e) {
            // closed: typing is best effort
        }
    }

    ConnectionState state() {
        return state; // a racy read, for information only
    }

    /** Ends everything; runs on the loop. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        wanted = false;
        heartbeat.cancel(false);
        cancelReconnect();
        WebSocket ws = socket;
        socket = null;
        if (ws != null) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").whenComplete((x, e) -> ws.abort());
        }
        failAll(new ParleyClientException(ParleyClientException.CLIENT_CLOSED, 0, "the client was closed", null));
        setState(ConnectionState.CLOSED);
    }

    /** Stops reconnecting after the caller's own logout; runs on the loop. */
    void sessionEnded(String reason) {
        endSession(reason);
    }

    private void run(CompletableFuture<?> future, Runnable task) {
        try {
            loop.execute(() -> {
                if (closed) {
                    future.completeExceptionally(new ParleyClientException(ParleyClientException.CLIENT_CLOSED, 0,
                            "the client is closed", null));
                    return;
                }
                try {
                    task.run();
                } catch (RuntimeException e) {
                    future.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(new ParleyClientException(ParleyClientException.CLIENT_CLOSED, 0,
                    "the client is closed", e));
        }
    }

    // ---- Link: for the outbox and the rooms, on the loop ---------------------------------------------------------

    @Override
    public Object ready() {
        return state == ConnectionState.CONNECTED ? socket : null;
    }

    @Override
    public void write(JsonObject frame) {
        WebSocket ws = socket;
        if (ws == null) {
            return;
        }
        String text = frame.toString();
        // The JDK WebSocket allows one outstanding send: chain them.
        writes = writes.handle((x, e) -> null).thenCompose(x -> ws.sendText(text, true)).thenApply(x -> null);
        writes.whenComplete((x, e) -> {
            if (e != null) {
                loop.execute(() -> onClosed(ws, 1006, "send failed: " + e));
            }
        });
    }

    // ---- the socket ---------------------------------------------------------------------------------------------

    private void open() {
        reconnect = null;
        if (closed || !wanted) {
            return;
        }
        String t = token.get();
        if (t == null) {
            wanted = false;
            connected.completeExceptionally(new ParleyClientException(ParleyClientException.NOT_LOGGED_IN, 0,
                    "log in (or give the builder a token) before connecting", null));
            setState(ConnectionState.DISCONNECTED);
            return;
        }
        setState(ConnectionState.CONNECTING);
        http.newWebSocketBuilder().connectTimeout(connectTimeout).buildAsync(wsUri, new Receiver())
                .whenComplete((ws, error) -> handOrAbort(ws, () -> {
                    if (error != null) {
                        LOG.log(System.Logger.Level.DEBUG, "cannot open " + wsUri + ": " + error);
                        lost();
                        return;
                    }
                    if (closed || !wanted || socket != null) {
                        ws.abort();
                        return;
                    }
                    socket = ws;
                    writes = CompletableFuture.completedFuture(null);
                    lastFrameAt = clock.millis();
                    write(Json.createObjectBuilder().add("type", "auth").add("token", t).build());
                }));
    }

    /** Runs the task on the loop; if the client closed meanwhile, drops a socket that just opened. */
    private void handOrAbort(WebSocket ws, Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            if (ws != null) {
                ws.abort();
            }
        }
    }

    private void onClosed(WebSocket ws, int code, String reason) {
        if (ws != socket) {
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, "socket closed: " + code + " " + reason);
        socket = null;
        ws.abort();
        if (code == 1008 && SESSION_ENDING.contains(reason)) {
            endSession(reason);
            return;
        }
        lost();
    }

    /** The socket is gone (or never came): forget what was on it, and reconnect after a backoff. */
    private void lost() {
        socketGone();
        if (closed || !wanted) {
            setState(closed ? ConnectionState.CLOSED : ConnectionState.DISCONNECTED);
            return;
        }
        setState(ConnectionState.DISCONNECTED);
        reconnect = loop.schedule(this::open, backoff.delayMillis(attempt++), TimeUnit.MILLISECONDS);
    }

    private void endSession(String reason) {
        wanted = false;
        WebSocket ws = socket;
        socket = null;
        if (ws != null) {
            ws.abort();
        }
        cancelReconnect();
        socketGone();
        failAll(new ParleyClientException(reason, 0, "the session ended: " + reason, null));
        setState(ConnectionState.SESSION_ENDED);
        callbacks.execute(() -> connectionListener.onSessionEnded(reason));
    }

    private void socketGone() {
        outbox.socketGone();
        rooms.socketGone();
    }

    private void cancelReconnect() {
        if (reconnect != null) {
            reconnect.cancel(false);
            reconnect = null;
        }
    }

    private void failAll(ParleyClientException e) {
        connected.completeExceptionally(e);
        outbox.failAll(e);
        rooms.failAll(e);
    }

    private void heartbeat() {
        WebSocket ws = socket;
        if (ws == null) {
            return;
        }
        if (clock.millis() - lastFrameAt > 2 * pingInterval.toMillis()) {
            LOG.log(System.Logger.Level.DEBUG, "no frame for two ping intervals: reconnecting");
            onClosed(ws, 1006, "ping_timeout");
            return;
        }
        if (state == ConnectionState.CONNECTED) {
            write(Json.createObjectBuilder().add("type", "ping").add("ref", "p" + (++pings)).build());
        }
    }

    private void setState(ConnectionState next) {
        if (state != next) {
            state = next;
            callbacks.execute(() -> connectionListener.onStateChanged(next));
        }
    }

    // ---- frames -------------------------------------------------------------------------------------------------

    private void onFrame(WebSocket ws, JsonObject f) {
        if (ws != socket) {
            return;
        }
        lastFrameAt = clock.millis();
        String type = f.getString("type", "");
        String ref = Wire.stringOrNull(f, "ref");
        if (type.equals("ready")) {
            ready(Wire.user(f.getJsonObject("user")));
        } else if (ref != null) {
            outbox.reply(ref, type, f);
        } else if (type.equals("mentioned")) {
            Message m = Wire.message(f.getJsonObject("message"));
            String room = f.getString("room");
            callbacks.execute(() -> connectionListener.onMentioned(room, m));
        } else {
            rooms.frame(type, Wire.stringOrNull(f, "room"), f);
        }
    }

    private void ready(User user) {
        attempt = 0;
        setState(ConnectionState.CONNECTED);
        connected.complete(user);
        rooms.subscribeAll();
        outbox.resend();
    }

    static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Assembles text frames from their parts on the WebSocket's thread and hands each whole one to the loop. */
    private final class Receiver implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public void onOpen(WebSocket ws) {
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String whole = text.toString();
                text.setLength(0);
                try {
                    JsonObject frame = Wire.parse(whole);
                    loop.execute(() -> onFrame(ws, frame));
                } catch (RuntimeException e) { // unreadable, or the client is closed
                    LOG.log(System.Logger.Level.DEBUG, "frame dropped: " + e);
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            hand(() -> onClosed(ws, code, reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            hand(() -> onClosed(ws, 1006, String.valueOf(error)));
        }

        private void hand(Runnable task) {
            try {
                loop.execute(task);
            } catch (RejectedExecutionException e) {
                // closed
            }
        }
    }
}
