package dev.parley.chat.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The WebSocket side of a {@link ParleyClient}: one socket at a time, its authentication, the rooms it follows and
 * their change positions, the operations awaiting a reply (the outbox), heartbeats and reconnection.
 *
 * <p>Threads: every field is confined to {@code loop}, a single thread; the JDK WebSocket's callbacks only
 * assemble text and hand whole frames to it, and listener calls are handed to {@code callbacks} (serial). Futures
 * are completed on the loop thread.
 */
final class Engine {
    private static final System.Logger LOG = System.getLogger(ParleyClient.class.getName());
    /** The server's default frame limit (64 KiB), less room for the envelope. */
    static final int MAX_FRAME_BYTES = 64 * 1024;
    private static final Set<String> SESSION_ENDING = Set.of("invalid_token", "token_expired", "logged_out");
    private static final Set<String> RETRYABLE = Set.of("storage_unavailable", "server_busy", "rate_limited",
            "service_closed", "internal_error");

    enum Kind { SUBSCRIBE, SEND, EDIT, DELETE, READ, LEAVE }

    /** An operation awaiting its reply; {@code ref} is null while it is not on the current socket. */
    static final class Op {
        final Kind kind;
        final JsonObject frame;
        final CompletableFuture<Object> future;
        final RoomState room;
        String ref;
        int attempts;

        Op(Kind kind, JsonObject frame, CompletableFuture<Object> future, RoomState room) {
            this.kind = kind;
            this.frame = frame;
            this.future = future;
            this.room = room;
        }
    }

    /** A room this client follows. */
    static final class RoomState {
        String name;
        RoomListener listener;
        CompletableFuture<Subscribed> joined = new CompletableFuture<>();
        /** The highest change delivered; -1 until the first {@code subscribed}. */
        long lastChange = -1;
        long lastSeq = -1;
        /** Frames up to this change are replays of a resume. */
        long replayUntil;
        boolean subscribed;
        /** Set while a gap is being read over REST; stream frames wait in {@code held}. */
        boolean repairing;
        int epoch;
        final List<JsonObject> held = new ArrayList<>();

        RoomState(String name, RoomListener listener) {
            this.name = name;
            this.listener = listener;
        }
    }

    private final ScheduledExecutorService loop;
    private final Executor callbacks;
    private final HttpClient http;
    private final URI wsUri;
    private final RestApi rest;
    private final Clock clock;
    private final Duration backoffFirst;
    private final Duration backoffMax;
    private final Duration connectTimeout;
    private final Duration pingInterval;
    private final Supplier<String> token;
    private final ConnectionListener connectionListener;

    private ConnectionState state = ConnectionState.DISCONNECTED;
    private boolean wanted;
    private boolean closed;
    private WebSocket socket;
    private CompletableFuture<Void> writes = CompletableFuture.completedFuture(null);
    private int attempt;
    private long lastFrameAt;
    private long refs;
    private CompletableFuture<User> connected = new CompletableFuture<>();
    private ScheduledFuture<?> reconnect;
    private final ScheduledFuture<?> heartbeat;
    private final List<RoomState> rooms = new ArrayList<>();
    private final LinkedHashMap<Long, Op> pending = new LinkedHashMap<>();
    private final Map<String, Op> inflight = new LinkedHashMap<>();
    private long opIds;

    Engine(ScheduledExecutorService loop, Executor callbacks, HttpClient http, URI wsUri, RestApi rest, Clock clock,
            Duration backoffFirst, Duration backoffMax, Duration connectTimeout, Duration pingInterval,
            Supplier<String> token, ConnectionListener connectionListener) {
        this.loop = loop;
        this.callbacks = callbacks;
        this.http = http;
        this.wsUri = wsUri;
        this.rest = rest;
        this.clock = clock;
        this.backoffFirst = backoffFirst;
        this.backoffMax = backoffMax;
        this.connectTimeout = connectTimeout;
        this.pingInterval = pingInterval;
        this.token = token;
        this.connectionListener = connectionListener;
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
            connected.whenComplete((u, e) -> {
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(u);
                }
            });
        });
        return result;
    }

    CompletableFuture<Subscribed> join(String room, RoomListener listener) {
        CompletableFuture<Subscribed> result = new CompletableFuture<>();
        run(result, () -> {
            RoomState r = find(room);
            if (r != null) {
                r.listener = listener;
                if (r.joined.isCompletedExceptionally()) { // the session ended before it was subscribed
                    r.joined = new CompletableFuture<>();
                }
            } else {
                r = new RoomState(room, listener);
                rooms.add(r);
                if (state == ConnectionState.CONNECTED) {
                    subscribe(r);
                }
            }
            r.joined.whenComplete((s, e) -> {
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(s);
                }
            });
        });
        return result;
    }

    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> submit(Kind kind, JsonObject frame, Runnable onLoop) {
        CompletableFuture<Object> future = new CompletableFuture<>();
        run(future, () -> {
            if (onLoop != null) {
                onLoop.run();
            }
            Op op = new Op(kind, frame, future, null);
            long id = ++opIds;
            pending.put(id, op);
            future.whenComplete((x, e) -> {
                try {
                    loop.execute(() -> pending.remove(id));
                } catch (java.util.concurrent.RejectedExecutionException closed) {
                    // the client is closed: nothing is pending any more
                }
            });
            if (state == ConnectionState.CONNECTED) {
                transmit(op);
            }
        });
        return (CompletableFuture<T>) (CompletableFuture<?>) future;
    }

    void leaveRoom(String room) {
        RoomState r = find(room);
        if (r != null) {
            rooms.remove(r);
            r.epoch++;
            r.joined.completeExceptionally(new ParleyClientException("left", 0, "left " + room, null));
        }
    }

    void typing(String room) {
        try {
            loop.execute(() -> {
                if (state == ConnectionState.CONNECTED) {
                    write(Json.createObjectBuilder().add("type", "typing").add("room", room).build());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
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
        if (reconnect != null) {
            reconnect.cancel(false);
            reconnect = null;
        }
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
        } catch (java.util.concurrent.RejectedExecutionException e) {
            future.completeExceptionally(new ParleyClientException(ParleyClientException.CLIENT_CLOSED, 0,
                    "the client is closed", e));
        }
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
        } catch (java.util.concurrent.RejectedExecutionException e) {
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
        inflight.clear();
        for (Op op : pending.values()) {
            op.ref = null;
        }
        for (RoomState r : rooms) {
            r.subscribed = false;
            r.repairing = false;
            r.held.clear();
            r.epoch++;
        }
        if (closed || !wanted) {
            setState(closed ? ConnectionState.CLOSED : ConnectionState.DISCONNECTED);
            return;
        }
        setState(ConnectionState.DISCONNECTED);
        long delay = backoff(attempt++);
        reconnect = loop.schedule(this::open, delay, TimeUnit.MILLISECONDS);
    }

    private void endSession(String reason) {
        wanted = false;
        WebSocket ws = socket;
        socket = null;
        if (ws != null) {
            ws.abort();
        }
        if (reconnect != null) {
            reconnect.cancel(false);
            reconnect = null;
        }
        inflight.clear();
        failAll(new ParleyClientException(reason, 0, "the session ended: " + reason, null));
        for (RoomState r : rooms) {
            r.subscribed = false;
            r.repairing = false;
            r.held.clear();
            r.epoch++;
        }
        setState(ConnectionState.SESSION_ENDED);
        callbacks.execute(() -> connectionListener.onSessionEnded(reason));
    }

    private void failAll(ParleyClientException e) {
        connected.completeExceptionally(e);
        for (Op op : new ArrayList<>(pending.values())) {
            op.future.completeExceptionally(e);
        }
        pending.clear();
        for (RoomState r : rooms) {
            r.joined.completeExceptionally(e);
        }
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
            write(Json.createObjectBuilder().add("type", "ping").add("ref", "p" + (++refs)).build());
        }
    }

    private long backoff(int n) {
        long first = Math.max(1, backoffFirst.toMillis());
        long cap = backoffMax.toMillis();
        long ceiling = n >= 30 ? cap : Math.min(cap, first << Math.min(n, 30));
        return ThreadLocalRandom.current().nextLong(Math.max(1, ceiling) + 1); // full jitter
    }

    private void write(JsonObject frame) {
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
            return;
        }
        if (ref != null) {
            Op op = inflight.remove(ref);
            if (op != null) {
                reply(op, type, f);
            }
            return;
        }
        String room = Wire.stringOrNull(f, "room");
        RoomState r = room == null ? null : find(room);
        switch (type) {
            case "message", "edited", "deleted" -> stream(r, f);
            case "presence" -> {
                if (f.containsKey("change")) {
                    stream(r, f);
                } else if (r != null && r.subscribed) {
                    RoomState target = r;
                    User user = Wire.user(f.getJsonObject("user"));
                    boolean online = f.getString("state", "").equals("online");
                    callbacks.execute(() -> target.listener.onPresence(target.name, user, online));
                }
            }
            case "typing" -> {
                if (r != null && r.subscribed) {
                    RoomState target = r;
                    User user = Wire.user(f.getJsonObject("user"));
                    callbacks.execute(() -> target.listener.onTyping(target.name, user));
                }
            }
            case "left" -> {
                if (r != null) {
                    rooms.remove(r);
                    r.epoch++;
                    RoomState target = r;
                    callbacks.execute(() -> target.listener.onLeft(target.name));
                }
            }
            case "error" -> {
                String code = f.getString("code", "");
                if (r != null && (code.equals("resync_required") || code.equals("replay_too_large"))) {
                    resync(r);
                } else {
                    LOG.log(System.Logger.Level.DEBUG, "server error: " + f);
                }
            }
            default -> { } // room_added, and types added later
        }
    }

    private void ready(User user) {
        attempt = 0;
        setState(ConnectionState.CONNECTED);
        connected.complete(user);
        for (RoomState r : rooms) {
            subscribe(r);
        }
        for (Op op : pending.values()) {
            if (op.ref == null) {
                transmit(op);
            }
        }
    }

    private void subscribe(RoomState r) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("room", r.name);
        if (r.lastChange >= 0) {
            b.add("type", "resume").add("afterChange", r.lastChange);
        } else {
            b.add("type", "join");
        }
        transmit(new Op(Kind.SUBSCRIBE, b.build(), null, r));
    }

    private void transmit(Op op) {
        String ref = "r" + (++refs);
        op.ref = ref;
        inflight.put(ref, op);
        write(Json.createObjectBuilder(op.frame).add("ref", ref).build());
    }

    private void reply(Op op, String type, JsonObject f) {
        op.ref = null;
        if (type.equals("error")) {
            failed(op, f.getString("code", "internal_error"), f.getString("message", ""));
            return;
        }
        switch (op.kind) {
            case SUBSCRIBE -> subscribed(op.room, Wire.subscribed(f));
            case SEND, EDIT, DELETE -> op.future.complete(Wire.message(f.getJsonObject("message")));
            case READ -> op.future.complete(Wire.number(f, "unread"));
            case LEAVE -> op.future.complete(null);
        }
    }

    private void failed(Op op, String code, String message) {
        if (op.kind == Kind.SUBSCRIBE) {
            RoomState r = op.room;
            if (!rooms.contains(r)) {
                return;
            }
            if (code.equals("resync_required") || code.equals("replay_too_large")) {
                resync(r);
            } else if (RETRYABLE.contains(code)) {
                retryLater(op, () -> {
                    if (rooms.contains(r) && !r.subscribed) {
                        subscribe(r);
                    }
                });
            } else {
                rooms.remove(r);
                ParleyClientException e = new ParleyClientException(code, 0, message, null);
                if (!r.joined.completeExceptionally(e)) {
                    callbacks.execute(() -> r.listener.onLeft(r.name)); // e.g. not_a_member on resume
                }
            }
            return;
        }
        if (RETRYABLE.contains(code)) {
            retryLater(op, () -> {
                if (!op.future.isDone() && op.ref == null) {
                    transmit(op);
                }
            });
        } else {
            op.future.completeExceptionally(new ParleyClientException(code, 0, message, null));
        }
    }

    private void retryLater(Op op, Runnable retry) {
        long delay = backoff(op.attempts++);
        WebSocket on = socket;
        loop.schedule(() -> {
            if (socket == on && state == ConnectionState.CONNECTED) {
                retry.run();
            } // else: a reconnect re-sends it anyway
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void subscribed(RoomState r, Subscribed s) {
        if (!rooms.contains(r)) {
            return;
        }
        r.name = s.room();
        r.subscribed = true;
        if (r.lastChange < 0) { // a join: live from here
            r.lastChange = s.lastChange();
            r.lastSeq = s.lastSeq();
        }
        r.replayUntil = s.lastChange();
        r.lastSeq = Math.max(r.lastSeq, s.lastSeq());
        r.joined.complete(s);
    }

    private void resync(RoomState r) {
        r.lastChange = -1;
        r.lastSeq = -1;
        r.subscribed = false;
        r.repairing = false;
        r.held.clear();
        r.epoch++;
        String name = r.name;
        callbacks.execute(() -> r.listener.onResync(name));
        if (state == ConnectionState.CONNECTED) {
            subscribe(r); // join first; the listener reloads history
        }
    }

    private void stream(RoomState r, JsonObject f) {
        if (r == null || !r.subscribed) {
            return;
        }
        if (r.repairing) {
            r.held.add(f);
            return;
        }
        apply(r, f, true);
    }

    private void apply(RoomState r, JsonObject f, boolean checkGap) {
        long change = Wire.number(f, "change");
        if (change <= r.lastChange) {
            return; // delivered already
        }
        boolean live = change > r.replayUntil;
        if (checkGap && live && f.getString("type").equals("message")) {
            long seq = Wire.number(f.getJsonObject("message"), "seq");
            if (r.lastSeq >= 0 && seq > r.lastSeq + 1) {
                repair(r, f);
                return;
            }
        }
        deliver(r, f, !live);
    }

    private void deliver(RoomState r, JsonObject f, boolean replayed) {
        r.lastChange = Wire.number(f, "change");
        RoomListener l = r.listener;
        String type = f.getString("type");
        if (type.equals("presence")) {
            User user = Wire.user(f.getJsonObject("user"));
            boolean joined = f.getString("state", "").equals("join");
            String name = r.name;
            callbacks.execute(() -> l.onMember(name, user, joined));
            return;
        }
        Message m = Wire.message(f.getJsonObject("message"));
        r.lastSeq = Math.max(r.lastSeq, m.seq());
        switch (type) {
            case "message" -> callbacks.execute(() -> l.onMessage(m, replayed));
            case "edited" -> callbacks.execute(() -> l.onEdited(m));
            case "deleted" -> callbacks.execute(() -> l.onDeleted(m));
            default -> { }
        }
    }

    /**
     * A {@code message} frame's {@code seq} jumped: read the changes in between over REST, deliver them, then the
     * frames held meanwhile. A jump can also come from a message superseded by a later edit; then the REST page
     * holds nothing before the frame and this costs one request.
     */
    private void repair(RoomState r, JsonObject first) {
        r.repairing = true;
        r.held.add(first);
        int epoch = r.epoch;
        long upTo = Wire.number(first, "change");
        readChanges(r.name, r.lastChange, upTo, new ArrayList<>()).whenComplete((changes, error) -> loop.execute(() -> {
            if (r.epoch != epoch || !rooms.contains(r)) {
                return; // the socket went (the resume will cover it) or the room was left
            }
            if (error != null) {
                LOG.log(System.Logger.Level.DEBUG, "cannot repair a gap in " + r.name + ": " + error);
                resync(r);
                return;
            }
            r.repairing = false;
            for (JsonObject c : changes) {
                long change = Wire.number(c, "change");
                if (change > r.lastChange && change < upTo) {
                    deliver(r, c, true);
                }
            }
            List<JsonObject> held = new ArrayList<>(r.held);
            r.held.clear();
            Iterator<JsonObject> it = held.iterator();
            while (it.hasNext() && !r.repairing) {
                JsonObject f = it.next();
                it.remove();
                apply(r, f, f != first);
            }
            r.held.addAll(held); // a second repair started: what is left waits for it
        }));
    }

    private CompletableFuture<List<JsonObject>> readChanges(String room, long after, long upTo,
            List<JsonObject> into) {
        return rest.callAsync("GET", "api/rooms/" + RestApi.encode(room) + "/changes?after=" + after + "&limit=200",
                null, token.get()).thenCompose(page -> {
                    into.addAll(page.getJsonArray("changes").getValuesAs(JsonObject.class));
                    long last = Wire.number(page, "lastChange");
                    if (page.getBoolean("hasMore", false) && last < upTo - 1 && last > after) {
                        return readChanges(room, last, upTo, into);
                    }
                    return CompletableFuture.completedFuture(into);
                });
    }

    private RoomState find(String room) {
        for (RoomState r : rooms) {
            if (r.name.equalsIgnoreCase(room)) {
                return r;
            }
        }
        return null;
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
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closed
            }
        }
    }
}
