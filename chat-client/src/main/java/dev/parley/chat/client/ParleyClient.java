package dev.parley.chat.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client of one Parley server for one user: the REST API (docs/openapi.yaml) and one WebSocket (docs/protocol.md)
 * that stays connected until {@link #close()}.
 *
 * <pre>{@code
 * try (ParleyClient client = ParleyClient.builder(URI.create("http://127.0.0.1:8080/")).build()) {
 *     client.login("alice", "correct horse battery");
 *     client.connect().join();
 *     client.join("general", new RoomListener() {
 *         public void onMessage(Message m, boolean replayed) { System.out.println(m.sender() + ": " + m.body()); }
 *     }).join();
 *     client.send("general", "hello").join();
 * }
 * }</pre>
 *
 * <p><b>Delivery.</b> Every {@link #send send} has a client message id (generated when not given) and stays in an
 * outbox until the server acknowledges it; after every reconnect it is sent again with the same id, which the server
 * stores once. Errors the server calls temporary ({@code storage_unavailable}, {@code server_busy},
 * {@code rate_limited}, {@code service_closed}, {@code internal_error}) and lost connections are retried with
 * exponential backoff and full jitter, without limit; any other error code fails the future with a
 * {@link ParleyClientException} carrying it. Edits, deletions, read marks and leaves are kept and retried the same
 * way. For each joined room the client keeps the last change it delivered and, after a reconnect, resumes from it:
 * each change reaches the {@link RoomListener} once, in order, none skipped. When the server cannot resume
 * ({@code resync_required}, {@code replay_too_large}) the client joins again and calls
 * {@link RoomListener#onResync(String)}. A jump in a room's message sequence is repaired from
 * {@code GET /api/rooms/{room}/changes}. Operations issued while disconnected wait for the connection.
 *
 * <p><b>Session.</b> A close with {@code invalid_token}, {@code token_expired} or {@code logged_out} ends the
 * session: no more reconnects, pending operations fail with that code and
 * {@link ConnectionListener#onSessionEnded(String)} is called.
 *
 * <p><b>Threads.</b> All methods are thread-safe. The REST methods ({@link #register}, {@link #login},
 * {@link #history}, ...) block the caller; the WebSocket methods return at once with a {@link CompletableFuture}.
 * The protocol runs on one internal thread; the futures are completed on it, so keep their dependent actions short
 * and non-blocking (or use the {@code *Async} variants). Listener calls run on the callback executor (the
 * builder's, else a thread of the client's own), one at a time and in the order the events arrived, never on the
 * WebSocket's or the protocol's thread: a listener may block, or call this client, without stalling the socket
 * (though a slow listener lets events queue up in memory). The client's threads are daemon threads, ended by
 * {@link #close()}.
 */
public final class ParleyClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ParleyClient.class.getName());
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final URI baseUrl;
    private final RestApi rest;
    private final Engine engine;
    private final ScheduledExecutorService loop;
    private final ExecutorService ownCallbackThread;
    private final String loopThreadName;
    private final SecureRandom random = new SecureRandom();
    private volatile String token;
    private volatile Session session;

    private ParleyClient(Builder b) {
        this.baseUrl = b.baseUrl;
        HttpClient http = b.httpClient != null ? b.httpClient
                : HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(b.connectTimeout)
                        .build();
        this.rest = new RestApi(baseUrl, http, b.requestTimeout);
        this.token = b.token;
        int n = INSTANCES.incrementAndGet();
        this.loopThreadName = "parley-client-" + n;
        ScheduledThreadPoolExecutor loopExecutor = new ScheduledThreadPoolExecutor(1, daemon(loopThreadName));
        loopExecutor.setRemoveOnCancelPolicy(true);
        this.loop = loopExecutor;
        Executor callbacks;
        if (b.executor != null) {
            this.ownCallbackThread = null;
            callbacks = b.executor;
        } else {
            this.ownCallbackThread = Executors.newSingleThreadExecutor(daemon("parley-client-" + n + "-callbacks"));
            callbacks = ownCallbackThread;
        }
        String scheme = "https".equalsIgnoreCase(baseUrl.getScheme()) ? "wss" : "ws";
        URI ws = URI.create(scheme + "://" + baseUrl.getRawAuthority()).resolve(baseUrl.getRawPath())
                .resolve(b.wsPath);
        this.engine = new Engine(loop, new SerialExecutor(callbacks), http, ws, rest, b.clock, b.backoffFirst,
                b.backoffMax, b.connectTimeout, b.pingInterval, () -> token, b.connectionListener);
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Starts a builder.
     *
     * @param baseUrl the server's base URL, for example {@code http://127.0.0.1:8080/}; the REST paths and the
     *     WebSocket path are resolved against it
     * @return a new builder
     * @throws NullPointerException if {@code baseUrl} is null
     * @throws IllegalArgumentException if it is not an absolute http or https URL
     */
    public static Builder builder(URI baseUrl) {
        return new Builder(baseUrl);
    }

    // ---- accounts (REST, blocking) -----------------------------------------------------------------------------

    /**
     * Registers a user ({@code POST /api/register}); does not log in.
     *
     * @param username 3–32 letters, digits, {@code _}, {@code -} and {@code .}
     * @param password 8–128 code points
     * @return the new user
     * @throws ParleyClientException for example {@code username_taken}, {@code invalid_password}
     */
    public User register(String username, String password) {
        return Wire.user(rest.call("POST", "api/register", credentials(username, password), null));
    }

    /**
     * Logs in ({@code POST /api/login}); the client uses the new session from then on (a socket already open keeps
     * its authentication until it reconnects).
     *
     * @param username the user's name
     * @param password the password
     * @return the session
     * @throws ParleyClientException {@code invalid_credentials}, {@code rate_limited} (too many failures), ...
     */
    public Session login(String username, String password) {
        Session s = Wire.session(rest.call("POST", "api/login", credentials(username, password), null));
        this.session = s;
        this.token = s.token();
        return s;
    }

    /**
     * Logs out ({@code POST /api/logout}): the server revokes the token and closes its sockets. The client stops
     * reconnecting (state {@link ConnectionState#SESSION_ENDED}) and fails pending operations with
     * {@code logged_out}. Idempotent; without a session it does nothing.
     *
     * @throws ParleyClientException if the server cannot be reached
     */
    public void logout() {
        signOut("POST", "api/logout");
    }

    /**
     * Signs out everywhere ({@code DELETE /api/sessions}): the server revokes every session of this user, this one
     * included, and closes their sockets on every node. Then as {@link #logout()}: the client stops reconnecting
     * and fails pending operations with {@code logged_out}. Without a session it does nothing.
     *
     * @throws ParleyClientException if the server cannot be reached or refuses the token
     */
    public void logoutEverywhere() {
        signOut("DELETE", "api/sessions");
    }

    /** Ends the session with the server's call, then here: no reconnecting, pending operations fail. */
    private void signOut(String method, String path) {
        String t = token;
        if (t == null) {
            return;
        }
        rest.call(method, path, null, t);
        token = null;
        session = null;
        try {
            loop.execute(() -> engine.sessionEnded("logged_out"));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: nothing to stop
        }
    }

    /**
     * The session of the last {@link #login}.
     *
     * @return the session, or null if not logged in in this client (also when built with a token)
     */
    public Session session() {
        return session;
    }

    /**
     * The rooms visible to the caller ({@code GET /api/rooms}): the public ones and the caller's own.
     *
     * @return the rooms, by name
     * @throws ParleyClientException {@code not_logged_in}, {@code invalid_token}, ...
     */
    public List<RoomSummary> rooms() {
        return rest.call("GET", "api/rooms", null, requireToken()).getJsonArray("rooms")
                .getValuesAs(JsonObject.class).stream().map(Wire::roomSummary).toList();
    }

    /**
     * Creates a room ({@code POST /api/rooms}); the caller becomes its first member.
     *
     * @param name 1–64 letters, digits, {@code _} and {@code -}; lower-cased by the server
     * @param isPrivate whether only added members may see it
     * @return the room
     * @throws ParleyClientException {@code room_exists}, {@code invalid_room_name}, ...
     */
    public Room createRoom(String name, boolean isPrivate) {
        Objects.requireNonNull(name, "name == null");
        return Wire.room(rest.call("POST", "api/rooms",
                Json.createObjectBuilder().add("name", name).add("private", isPrivate).build(), requireToken()));
    }

    /**
     * Becomes a member of a public room over REST ({@code POST /api/rooms/{room}/join}), without following its
     * events; {@link #join(String, RoomListener)} does both. Idempotent.
     *
     * @param room the room's name
     * @return the room
     * @throws ParleyClientException {@code room_not_found}, {@code permission_denied}, ...
     */
    public Room joinRoom(String room) {
        Objects.requireNonNull(room, "room == null");
        return Wire.room(rest.call("POST", "api/rooms/" + RestApi.encode(room) + "/join", null, requireToken()));
    }

    /**
     * Reads a page of a room's history ({@code GET /api/messages}).
     *
     * @param room the room's name
     * @param query which page
     * @return the page, ascending by {@code seq}
     * @throws ParleyClientException {@code not_a_member}, {@code room_not_found}, ...
     */
    public HistoryPage history(String room, HistoryQuery query) {
        Objects.requireNonNull(room, "room == null");
        Objects.requireNonNull(query, "query == null");
        StringBuilder path = new StringBuilder("api/messages?room=").append(RestApi.encode(room))
                .append("&limit=").append(query.limit());
        if (query.before() > 0) {
            path.append("&before=").append(query.before());
        }
        if (query.after() >= 0) {
            path.append("&after=").append(query.after());
        }
        return Wire.historyPage(rest.call("GET", path.toString(), null, requireToken()));
    }

    /**
     * Searches the rooms the user is a member of ({@code GET /api/search}): every term of {@code query} (runs of
     * letters and digits) must be the prefix of a word of the body.
     *
     * @param query 1–10 terms, at most 200 characters
     * @param room only this room, or {@code null} for all the user's rooms
     * @param before the previous page's {@link SearchPage#nextBefore()}, or {@code null} for the newest
     * @param limit 1–100
     * @return the page, newest first
     * @throws ParleyClientException {@code invalid_query}, {@code invalid_argument}, {@code room_not_found},
     *     {@code not_a_member}, {@code search_unsupported}, ...
     */
    public SearchPage search(String query, String room, Long before, int limit) {
        Objects.requireNonNull(query, "query == null");
        StringBuilder path = new StringBuilder("api/search?q=").append(RestApi.encode(query))
                .append("&limit=").append(limit);
        if (room != null) {
            path.append("&room=").append(RestApi.encode(room));
        }
        if (before != null) {
            path.append("&before=").append(before);
        }
        return Wire.searchPage(rest.call("GET", path.toString(), null, requireToken()));
    }

    // ---- the socket (non-blocking) ------------------------------------------------------------------------------

    /**
     * Opens the WebSocket and authenticates with the session's token, and keeps it open: after a loss the client
     * reconnects with backoff, resumes every joined room and re-sends the outbox, until {@link #close()} or the end
     * of the session. Calling it again while connected or reconnecting changes nothing.
     *
     * @return completes with the authenticated user at the first {@code ready}; fails with
     *     {@code not_logged_in} without a token, with {@code invalid_token} (or the other session-ending codes)
     *     if the server refuses it, with {@code client_closed} after {@link #close()}
     */
    public CompletableFuture<User> connect() {
        return engine.connect();
    }

    /**
     * Joins a room (becoming a member, idempotently) and follows its events until {@link #leave(String)}: after
     * every reconnect the client resumes the room from the last change it delivered. Joining a room already joined
     * replaces its listener.
     *
     * @param room the room's name
     * @param listener receives the room's events, on the callback executor
     * @return completes with the first {@code subscribed}; fails with the server's code ({@code room_not_found},
     *     {@code permission_denied}, ...)
     */
    public CompletableFuture<Subscribed> join(String room, RoomListener listener) {
        Objects.requireNonNull(room, "room == null");
        Objects.requireNonNull(listener, "listener == null");
        return engine.join(room, listener);
    }

    /**
     * Leaves a room (ends the membership) and stops following it.
     *
     * @param room the room's name
     * @return completes when the server confirms
     */
    public CompletableFuture<Void> leave(String room) {
        Objects.requireNonNull(room, "room == null");
        return engine.submit(Outbox.Kind.LEAVE, Json.createObjectBuilder().add("type", "leave").add("room", room)
                .build(), () -> engine.leaveRoom(room));
    }

    /**
     * Sends a message with a generated client message id. See {@link #send(String, String, String)}.
     *
     * @param room the room's name
     * @param body the text
     * @return completes with the stored message on the server's {@code ack}
     */
    public CompletableFuture<Message> send(String room, String body) {
        return send(room, body, newClientMsgId());
    }

    /**
     * Sends a message. It stays in the outbox until acknowledged and is re-sent with the same
     * {@code clientMsgId} after every reconnect; the server stores it once (a second send of the same id, room and
     * body returns the original; another room or body fails with {@code idempotency_conflict}).
     *
     * @param room the room's name
     * @param body the text (1–4000 code points by default)
     * @param clientMsgId 1–64 of {@code [A-Za-z0-9._:-]}
     * @return completes with the stored message; fails with the server's code ({@code message_too_long},
     *     {@code message_empty}, {@code not_a_member}, ...), or {@code frame_too_large} at once for a body the
     *     socket cannot carry
     * @throws IllegalArgumentException if {@code clientMsgId} is malformed
     */
    public CompletableFuture<Message> send(String room, String body, String clientMsgId) {
        return send(room, body, clientMsgId, 0);
    }

    /**
     * Sends a reply: as {@link #send(String, String, String)}, answering the message {@code replyTo} of the same
     * room. The stored message's {@link Message#replyTo()} previews the original.
     *
     * @param room the room's name
     * @param body the text
     * @param clientMsgId 1–64 of {@code [A-Za-z0-9._:-]}
     * @param replyTo the id of the message replied to; {@code 0} sends a message that is not a reply
     * @return completes with the stored message; fails with {@code invalid_reply} if the original is unknown, in
     *     another room or deleted, and as {@link #send(String, String, String)}
     */
    public CompletableFuture<Message> send(String room, String body, String clientMsgId, long replyTo) {
        Objects.requireNonNull(room, "room == null");
        Objects.requireNonNull(body, "body == null");
        Objects.requireNonNull(clientMsgId, "clientMsgId == null");
        if (!Wire.CLIENT_MSG_ID.matcher(clientMsgId).matches()) {
            throw new IllegalArgumentException("clientMsgId must be 1-64 of [A-Za-z0-9._:-]: " + clientMsgId);
        }
        JsonObjectBuilder frame = Json.createObjectBuilder().add("type", "send").add("room", room).add("body", body)
                .add("clientMsgId", clientMsgId);
        if (replyTo != 0) {
            frame.add("replyTo", replyTo);
        }
        return submitChecked(Outbox.Kind.SEND, frame.build());
    }

    /**
     * Adds the caller's reaction to a message (idempotent; re-sent after a reconnect like an edit). The room's
     * listeners get {@link RoomListener#onReaction} if it changed anything.
     *
     * @param id the message's id
     * @param emoji one emoji
     * @return completes with the message as it is now; fails with {@code invalid_emoji}, {@code too_many_reactions},
     *     {@code message_not_found}, {@code message_deleted}, {@code not_a_member}
     */
    public CompletableFuture<Message> react(long id, String emoji) {
        return reaction("react", id, emoji);
    }

    /**
     * Removes the caller's reaction to a message (idempotent).
     *
     * @param id the message's id
     * @param emoji the emoji
     * @return completes with the message as it is now; fails as {@link #react}
     */
    public CompletableFuture<Message> unreact(long id, String emoji) {
        return reaction("unreact", id, emoji);
    }

    private CompletableFuture<Message> reaction(String type, long id, String emoji) {
        Objects.requireNonNull(emoji, "emoji == null");
        return engine.submit(Outbox.Kind.REACT, Json.createObjectBuilder().add("type", type).add("id", id)
                .add("emoji", emoji).build(), null);
    }

    /**
     * Edits one of the caller's messages.
     *
     * @param id the message's id
     * @param body the new text
     * @return completes with the message in its edited state; fails with {@code not_message_owner},
     *     {@code message_deleted}, ...
     */
    public CompletableFuture<Message> edit(long id, String body) {
        Objects.requireNonNull(body, "body == null");
        return submitChecked(Outbox.Kind.EDIT, Json.createObjectBuilder().add("type", "edit").add("id", id)
                .add("body", body).build());
    }

    /**
     * Deletes one of the caller's messages (idempotent).
     *
     * @param id the message's id
     * @return completes with the message in its deleted state
     */
    public CompletableFuture<Message> delete(long id) {
        return engine.submit(Outbox.Kind.DELETE, Json.createObjectBuilder().add("type", "delete").add("id", id)
                .build(), null);
    }

    /**
     * Tells the room the user is typing; dropped when not connected.
     *
     * @param room the room's name
     */
    public void typing(String room) {
        Objects.requireNonNull(room, "room == null");
        engine.typing(room);
    }

    /**
     * Moves the caller's read position in a room forward to {@code seq} (never back).
     *
     * @param room the room's name
     * @param seq the newest message read
     * @return completes with the number of others' messages still unread
     */
    public CompletableFuture<Long> markRead(String room, long seq) {
        Objects.requireNonNull(room, "room == null");
        if (seq < 0) {
            throw new IllegalArgumentException("seq < 0: " + seq);
        }
        return engine.submit(Outbox.Kind.READ, Json.createObjectBuilder().add("type", "read").add("room", room)
                .add("seq", seq).build(), null);
    }

    /**
     * The connection's state right now (for display; listen with a {@link ConnectionListener} to act on it).
     *
     * @return the state
     */
    public ConnectionState state() {
        return engine.state();
    }

    /**
     * Closes the socket, stops reconnecting, fails pending operations with {@code client_closed}, then ends the
     * client's threads once the callbacks already queued have run ({@link ConnectionListener#onStateChanged} with
     * {@link ConnectionState#CLOSED} among them). Idempotent. A given {@code httpClient} or executor is left open.
     */
    @Override
    public void close() {
        try {
            if (Thread.currentThread().getName().equals(loopThreadName)) {
                engine.close(); // from a future's dependent action: already on the loop
            } else {
                loop.submit(engine::close).get(5, TimeUnit.SECONDS);
            }
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return; // closed already
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the Parley client", e);
        }
        loop.shutdownNow();
        if (ownCallbackThread != null) {
            ownCallbackThread.shutdown();
            try {
                if (!Thread.currentThread().getName().endsWith("-callbacks")) {
                    ownCallbackThread.awaitTermination(5, TimeUnit.SECONDS);
                }
                loop.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The change the client's stream of {@code room} continues after, -1 if none (for this package's tests). */
    CompletableFuture<Long> lastChange(String room) {
        return engine.lastChange(room);
    }

    @Override
    public String toString() {
        return "ParleyClient[" + baseUrl + "]";
    }

    private <T> CompletableFuture<T> submitChecked(Outbox.Kind kind, JsonObject frame) {
        if (Engine.utf8Length(frame.toString()) + 64 > Engine.MAX_FRAME_BYTES) {
            return CompletableFuture.failedFuture(new ParleyClientException(ParleyClientException.FRAME_TOO_LARGE, 0,
                    "the frame is over the protocol's 64 KiB", null));
        }
        return engine.submit(kind, frame, null);
    }

    private String newClientMsgId() {
        byte[] bytes = new byte[15];
        random.nextBytes(bytes);
        return "jc-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private String requireToken() {
        String t = token;
        if (t == null) {
            throw new ParleyClientException(ParleyClientException.NOT_LOGGED_IN, 0, "log in first", null);
        }
        return t;
    }

    private static JsonObject credentials(String username, String password) {
        Objects.requireNonNull(username, "username == null");
        Objects.requireNonNull(password, "password == null");
        return Json.createObjectBuilder().add("username", username).add("password", password).build();
    }

    /**
     * Configures a {@link ParleyClient}. Not thread-safe; {@link #build()} may be called more than once, each time
     * for a new client.
     */
    public static final class Builder {
        private final URI baseUrl;
        private HttpClient httpClient;
        private Clock clock = Clock.systemUTC();
        private Executor executor;
        private Duration backoffFirst = Duration.ofMillis(250);
        private Duration backoffMax = Duration.ofSeconds(30);
        private String wsPath = "ws";
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration pingInterval = Duration.ofSeconds(25);
        private String token;
        private ConnectionListener connectionListener = new ConnectionListener() { };

        private Builder(URI baseUrl) {
            Objects.requireNonNull(baseUrl, "baseUrl == null");
            String scheme = baseUrl.getScheme();
            if (!baseUrl.isAbsolute() || baseUrl.getRawAuthority() == null
                    || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
                throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL: " + baseUrl);
            }
            String text = baseUrl.toString();
            this.baseUrl = URI.create(text.endsWith("/") ? text : text + "/");
        }

        /**
         * The HTTP client for REST calls and the WebSocket; default: a new HTTP/1.1 one with the connect timeout.
         * The client does not close a given one.
         *
         * @param httpClient the client
         * @return this builder
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient == null");
            return this;
        }

        /**
         * The clock of the heartbeat's timing; default the system's.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock == null");
            return this;
        }

        /**
         * Where listener callbacks run, one at a time and in order whatever the executor (a pool is fine); default
         * a daemon thread of the client's own. A given executor is not shut down by {@link ParleyClient#close()}.
         *
         * @param executor the executor
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor == null");
            return this;
        }

        /**
         * The reconnection backoff: the n-th retry waits a random time between 0 and
         * {@code min(max, first * 2^n)} (full jitter); default 250 ms and 30 s. Also paces retries of temporary
         * errors.
         *
         * @param first the ceiling of the first wait, positive
         * @param max the largest ceiling, at least {@code first}
         * @return this builder
         */
        public Builder backoff(Duration first, Duration max) {
            Objects.requireNonNull(first, "first == null");
            Objects.requireNonNull(max, "max == null");
            if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
                throw new IllegalArgumentException("need 0 < first <= max: " + first + ", " + max);
            }
            this.backoffFirst = first;
            this.backoffMax = max;
            return this;
        }

        /**
         * The WebSocket endpoint's path, relative to the base URL; default {@code ws}.
         *
         * @param wsPath the path
         * @return this builder
         */
        public Builder wsPath(String wsPath) {
            Objects.requireNonNull(wsPath, "wsPath == null");
            this.wsPath = wsPath.startsWith("/") ? wsPath.substring(1) : wsPath;
            return this;
        }

        /**
         * How long opening a connection may take; default 10 s.
         *
         * @param connectTimeout positive
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * How long one REST call may take; default 30 s.
         *
         * @param requestTimeout positive
         * @return this builder
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive(requestTimeout, "requestTimeout");
            return this;
        }

        /**
         * How often the client sends a {@code ping} frame; a socket that brings no frame for two intervals is
         * dropped and reconnected. Default 25 s.
         *
         * @param pingInterval positive
         * @return this builder
         */
        public Builder pingInterval(Duration pingInterval) {
            this.pingInterval = positive(pingInterval, "pingInterval");
            return this;
        }

        /**
         * A session token from an earlier login, used until {@link ParleyClient#login} replaces it.
         *
         * @param token the bearer token
         * @return this builder
         */
        public Builder token(String token) {
            this.token = Objects.requireNonNull(token, "token == null");
            return this;
        }

        /**
         * Told about the connection's state and the end of the session; default none.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder connectionListener(ConnectionListener listener) {
            this.connectionListener = Objects.requireNonNull(listener, "listener == null");
            return this;
        }

        /**
         * Creates the client; it starts two daemon threads (one if an executor was given) and connects nothing
         * until {@link ParleyClient#connect()}.
         *
         * @return the client
         */
        public ParleyClient build() {
            return new ParleyClient(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name + " == null");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }
}
