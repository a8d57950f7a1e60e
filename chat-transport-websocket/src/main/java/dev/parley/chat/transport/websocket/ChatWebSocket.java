package dev.parley.chat.transport.websocket;

import dev.parley.chat.core.ChatService;
import jakarta.websocket.CloseReason;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves a {@link ChatService} over WebSocket: JSON text frames as described in {@code docs/protocol.md}.
 *
 * <p>Build one with {@link #builder(ChatService)}, deploy {@link #endpointConfig()} in any Jakarta WebSocket 2.x
 * container ({@code ServerContainer.addEndpoint(...)}, or return it from a {@code ServerApplicationConfig}), and
 * {@link #close()} it when the application stops. One instance serves any number of connections; it owns two
 * daemon scheduler threads (keep-alive pings, token re-validation, timeouts and closes) but never blocks a
 * publisher's thread: each connection has its own bounded outbound queue.
 *
 * <pre>{@code
 * ChatWebSocket ws = ChatWebSocket.builder(chatService)
 *         .path("/ws")
 *         .allowedOrigins(Set.of("https://chat.example.com"))
 *         .build();
 * serverContainer.addEndpoint(ws.endpointConfig());
 * // in the REST logout handler:
 * chatService.logout(token);
 * ws.closeSessionsForToken(token);
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ChatWebSocket implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ChatWebSocket.class.getName());
    private static final String CONNECTION = "dev.parley.ws.connection";
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    // The state the sockets share (package-private, for the endpoint and the connections): the open connections, the
    // per-address counts, the frame encoder, the counters and the scheduler.
    final ChatService service;
    final Settings settings;
    final Frames frames = new Frames();
    final Counters counters = new Counters();
    final RawFrames rawFrames = new RawFrames();
    final Flusher flusher;

    private final ScheduledThreadPoolExecutor scheduler;
    private final ServerEndpointConfig endpointConfig;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> perAddress = new HashMap<>(); // guarded by itself
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean warnedNoAddress;

    private ChatWebSocket(ChatService service, Settings settings) {
        this.service = service;
        this.settings = settings;
        int instance = INSTANCES.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "parley-ws-" + instance + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.scheduler = new ScheduledThreadPoolExecutor(2, factory);
        this.flusher = new Flusher("parley-ws-" + instance + "-writer");
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        long ping = settings.pingInterval().toMillis();
        scheduler.scheduleAtFixedRate(this::sweep, ping, ping, TimeUnit.MILLISECONDS);
        HandshakeConfigurator configurator = new HandshakeConfigurator(this, settings.allowedOrigins());
        this.endpointConfig = ServerEndpointConfig.Builder.create(ChatEndpoint.class, settings.path())
                .configurator(configurator).build();
        configurator.sharedProperties(endpointConfig.getUserProperties());
    }

    /**
     * Starts a builder with the defaults listed on {@link Builder}.
     *
     * @param chatService the service to expose; its owner closes it, after closing this
     * @return a new builder
     */
    public static Builder builder(ChatService chatService) {
        return new Builder(Objects.requireNonNull(chatService, "chatService == null"));
    }

    /**
     * The endpoint configuration a container deploys: the path, the origin check and the endpoint factory. The same
     * instance is returned on every call.
     *
     * @return the configuration
     */
    public ServerEndpointConfig endpointConfig() {
        return endpointConfig;
    }

    /**
     * Closes every socket that authenticated, or is authenticating, with this token, with close code 1008 and
     * reason {@code logged_out}. Call it after {@link ChatService#logout}: a socket whose {@code auth} is checking the
     * token at that moment is closed too, so no socket can become usable with a token logged out before this call
     * returns. A socket also notices a revoked token on its own at the next periodic re-validation. Tokens are
     * compared in constant time.
     *
     * @param token the bearer token
     */
    public void closeSessionsForToken(String token) {
        byte[] candidate = Objects.requireNonNull(token, "token == null").getBytes(StandardCharsets.UTF_8);
        for (Connection c : connections) {
            if (c.auth.hasToken(candidate)) {
                c.closeForPolicy(CloseReason.CloseCodes.VIOLATED_POLICY, "logged_out");
            }
        }
    }

    /**
     * The number of open sockets on this node, authenticated or not.
     *
     * @return the count
     */
    public int connectionCount() {
        return connections.size();
    }

    /**
     * A snapshot of the counters, for metrics ({@code WebSocketMetrics} in {@code chat-micrometer} binds them).
     *
     * @return the snapshot
     */
    public ChatWebSocketMetrics metrics() {
        int authenticated = 0;
        for (Connection c : connections) {
            if (c.isAuthenticated()) {
                authenticated++;
            }
        }
        return new ChatWebSocketMetrics(connections.size(), authenticated, counters.framesIn.sum(),
                counters.framesOut.sum(), frames.encodedCount(), counters.slowConsumerCloses.sum(),
                counters.errors());
    }

    /**
     * Closes every socket with 1001 (going away), ends their subscriptions and stops the scheduler threads. New
     * connections are refused afterwards (closed with 1001 at once). Idempotent. Does not close the
     * {@link ChatService}.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Connection c : connections) {
            c.close(CloseReason.CloseCodes.GOING_AWAY, "server_shutdown");
        }
        scheduler.shutdown(); // runs the queued closes, drops timers
        try {
            if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
        flusher.close();
        frames.close();
    }

    // ---- for the endpoint and connections ----------------------------------------------------------------------

    static Connection connection(Session session) {
        Object c = session.getUserProperties().get(CONNECTION);
        return c instanceof Connection ? (Connection) c : null;
    }

    void open(Session session) {
        session.setMaxTextMessageBufferSize(settings.maxFrameBytes());
        session.setMaxBinaryMessageBufferSize(1024);
        raiseIdleTimeout(session, Math.max(settings.authTimeout().toMillis() * 2,
                settings.pingInterval().toMillis() * (KeepAlive.MISSED_PONGS + 1)));
        session.getAsyncRemote().setSendTimeout(settings.sendTimeout().toMillis());
        Connection c = new Connection(ids.incrementAndGet(), session, remoteAddress(session), this);
        session.getUserProperties().put(CONNECTION, c);
        if (closed) {
            c.close(CloseReason.CloseCodes.GOING_AWAY, "server_shutdown");
            return;
        }
        if (Boolean.TRUE.equals(session.getUserProperties().get(HandshakeConfigurator.ORIGIN_REJECTED))) {
            c.close(CloseReason.CloseCodes.VIOLATED_POLICY, "origin_not_allowed");
            return;
        }
        if (!register(c)) {
            c.closeForPolicy(CloseReason.CloseCodes.VIOLATED_POLICY, "too_many_connections");
            return;
        }
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) c.inbound::onText);
        // Partial, so that the first fragment already closes the socket and nothing is buffered for it.
        session.addMessageHandler(ByteBuffer.class,
                (MessageHandler.Partial<ByteBuffer>) (part, last) -> c.inbound.onBinary());
        session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) m -> c.keepAlive.onPong());
        c.auth.startTimer();
        if (closed) { // close() ran while we registered
            c.close(CloseReason.CloseCodes.GOING_AWAY, "server_shutdown");
        }
    }

    /**
     * Makes sure the container's idle timeout cannot close a healthy socket between two pings: a positive timeout
     * shorter than {@code atLeast} is raised. An unlimited one ({@code 0}, Tyrus's default) is left alone: our own
     * ping/pong check already closes dead sockets, and switching a live Tyrus 2.2 session from 0 to a positive
     * timeout races with the idle task Tyrus schedules with zero delay after every frame while the timeout is 0
     * (eclipse-ee4j/tyrus#487): that task then sees the new timeout and closes the fresh session at once.
     */
    static void raiseIdleTimeout(Session session, long atLeast) {
        long current = session.getMaxIdleTimeout();
        if (current > 0 && current < atLeast) {
            session.setMaxIdleTimeout(atLeast);
        }
    }

    private boolean register(Connection c) {
        String address = c.remoteAddress;
        if (address != null) {
            synchronized (perAddress) {
                int n = perAddress.getOrDefault(address, 0);
                if (n >= settings.maxConnectionsPerAddress()) {
                    return false;
                }
                perAddress.put(address, n + 1);
            }
        }
        c.markRegistered();
        connections.add(c);
        return true;
    }

    void unregister(Connection c) {
        if (!c.isRegistered() || !connections.remove(c)) {
            return;
        }
        String address = c.remoteAddress;
        if (address != null) {
            synchronized (perAddress) {
                perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
            }
        }
    }

    /** Runs a task on the scheduler, or on the calling thread once the scheduler has stopped. */
    void execute(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /** Runs a task once after a delay; returns {@code null} if the scheduler has stopped. */
    Future<?> schedule(Runnable task, long delayMillis) {
        try {
            return scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private void sweep() {
        try {
            long now = settings.clock().millis();
            for (Connection c : connections) {
                c.keepAlive.tick(now);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "keep-alive sweep failed", e);
        }
    }

    /**
     * The peer's address: recorded at the handshake from the request (Tyrus), else the standard-ish user property
     * some containers set (Jetty), else a {@code getRemoteAddr()} on the session. {@code null} disables the
     * per-address limit for the socket.
     */
    private String remoteAddress(Session session) {
        Map<String, Object> props = session.getUserProperties();
        Object a = props.get(HandshakeConfigurator.REMOTE_ADDRESS);
        if (a instanceof String) {
            return (String) a;
        }
        for (String key : new String[] {"jakarta.websocket.endpoint.remoteAddress",
                "javax.websocket.endpoint.remoteAddress"}) {
            Object v = props.get(key);
            if (v instanceof InetSocketAddress) {
                InetSocketAddress isa = (InetSocketAddress) v;
                return isa.getAddress() != null ? isa.getAddress().getHostAddress() : isa.getHostString();
            }
        }
        try {
            Method m = session.getClass().getMethod("getRemoteAddr");
            Object v = m.invoke(session);
            if (v instanceof String && !((String) v).isEmpty()) {
                return (String) v;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // fall through
        }
        if (!warnedNoAddress) {
            warnedNoAddress = true;
            LOG.log(Level.WARNING, "the WebSocket container does not report peer addresses; "
                    + "maxConnectionsPerAddress is not enforced");
        }
        return null;
    }

    /**
     * Builds a {@link ChatWebSocket}. Every option has a default; values are validated when set, and a bad one
     * fails with {@link IllegalArgumentException} naming it. Not thread-safe.
     *
     * <table>
     *   <caption>Defaults</caption>
     *   <tr><td>{@link #path}</td><td>{@code /ws}</td></tr>
     *   <tr><td>{@link #allowedOrigins}</td><td>empty: same origin only</td></tr>
     *   <tr><td>{@link #maxFrameBytes}</td><td>64 KiB</td></tr>
     *   <tr><td>{@link #outboundQueueLimit}</td><td>1024 frames</td></tr>
     *   <tr><td>{@link #rateLimit}</td><td>20 frames/s, burst 40</td></tr>
     *   <tr><td>{@link #maxConnectionsPerAddress}</td><td>64</td></tr>
     *   <tr><td>{@link #authTimeout}</td><td>10 s</td></tr>
     *   <tr><td>{@link #pingInterval}</td><td>25 s</td></tr>
     *   <tr><td>{@link #tokenRecheckInterval}</td><td>4 ping intervals</td></tr>
     *   <tr><td>{@link #sendTimeout}</td><td>30 s</td></tr>
     *   <tr><td>{@link #authenticator}</td><td>{@code chatService::authenticate}</td></tr>
     *   <tr><td>{@link #clock}</td><td>{@link Clock#systemUTC()}</td></tr>
     * </table>
     */
    public static final class Builder {
        private final ChatService service;
        private String path = "/ws";
        private Set<String> allowedOrigins = Set.of();
        private int maxFrameBytes = 64 * 1024;
        private int outboundQueueLimit = 1024;
        private int ratePerSecond = 20;
        private int rateBurst = 40;
        private int maxConnectionsPerAddress = 64;
        private Duration authTimeout = Duration.ofSeconds(10);
        private Duration pingInterval = Duration.ofSeconds(25);
        private Duration tokenRecheckInterval;
        private Duration sendTimeout = Duration.ofSeconds(30);
        private Authenticator authenticator;
        private Clock clock = Clock.systemUTC();

        private Builder(ChatService service) {
            this.service = service;
        }

        /**
         * The path the endpoint is deployed at, relative to the container's context path.
         *
         * @param path starts with {@code /}; no query, fragment or white space
         * @return this
         */
        public Builder path(String path) {
            Objects.requireNonNull(path, "path == null");
            if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == '?' || c == '#')) {
                throw new IllegalArgumentException("path must start with / and contain no white space, ? or #: "
                        + path);
            }
            this.path = path;
            return this;
        }

        /**
         * The browser origins allowed to connect, each exactly {@code scheme://host[:port]} (for example
         * {@code http://localhost:8080}); compared case-insensitively, default ports ignored. Empty (the default)
         * means same origin: the {@code Origin}'s host and port must equal the request's {@code Host} header. A
         * request without an {@code Origin} header (not a browser) is always allowed. A refused origin gets HTTP 403
         * at the handshake.
         *
         * @param origins the origins; copied
         * @return this
         */
        public Builder allowedOrigins(Set<String> origins) {
            Objects.requireNonNull(origins, "origins == null");
            Set<String> normalised = new LinkedHashSet<>();
            for (String o : origins) {
                normalised.add(Settings.normaliseOrigin(o));
            }
            this.allowedOrigins = Set.copyOf(normalised);
            return this;
        }

        /**
         * The largest text frame (message) accepted, in UTF-8 bytes; a larger one closes the socket with 1009.
         *
         * @param bytes from 1 KiB to 16 MiB
         * @return this
         */
        public Builder maxFrameBytes(int bytes) {
            this.maxFrameBytes = requireRange("maxFrameBytes", bytes, 1024, 16 * 1024 * 1024);
            return this;
        }

        /**
         * How many live frames may wait for one socket. A client that reads so slowly that more pile up is closed
         * with 1008 {@code slow_consumer}; nobody else waits for it. Frames replayed by {@code resume} are not
         * counted (they are bounded by the service's {@code maxReplay}).
         *
         * @param frames from 1 to 1,000,000
         * @return this
         */
        public Builder outboundQueueLimit(int frames) {
            this.outboundQueueLimit = requireRange("outboundQueueLimit", frames, 1, 1_000_000);
            return this;
        }

        /**
         * The frames per second one socket may send (a token bucket). A frame over the limit is answered with
         * {@code error rate_limited} and dropped; a client that keeps sending at more than three times the rate
         * (or bursts past three times the burst) is closed with 1008 {@code rate_limited}.
         *
         * @param framesPerSecond from 1 to 10,000
         * @param burst frames that may arrive at once, from 1 to 100,000
         * @return this
         */
        public Builder rateLimit(int framesPerSecond, int burst) {
            this.ratePerSecond = requireRange("rateLimit.framesPerSecond", framesPerSecond, 1, 10_000);
            this.rateBurst = requireRange("rateLimit.burst", burst, 1, 100_000);
            return this;
        }

        /**
         * The most open sockets from one remote address on this node; further ones are closed with 1008
         * {@code too_many_connections}. The address is the container's view of the peer (behind a proxy, the
         * proxy's); see {@code docs/protocol.md} for containers that do not report it.
         *
         * @param connections from 1 to 1,000,000
         * @return this
         */
        public Builder maxConnectionsPerAddress(int connections) {
            this.maxConnectionsPerAddress = requireRange("maxConnectionsPerAddress", connections, 1, 1_000_000);
            return this;
        }

        /**
         * How long a new socket may take to authenticate before it is closed with 1008 {@code auth_timeout}.
         *
         * @param timeout from 10 ms to 10 minutes
         * @return this
         */
        public Builder authTimeout(Duration timeout) {
            this.authTimeout = requireDuration("authTimeout", timeout, Duration.ofMillis(10), Duration.ofMinutes(10));
            return this;
        }

        /**
         * How often authenticated sockets are pinged. A socket that answers no ping for three intervals is closed
         * (1001 {@code ping_timeout}). A positive container idle timeout shorter than four intervals is raised to
         * that; an unlimited one is kept. Keep the interval below proxies' idle timeouts (and Grizzly's HTTP
         * keep-alive idle timeout, 30 s by default, where it applies).
         *
         * @param interval from 10 ms to 10 minutes
         * @return this
         */
        public Builder pingInterval(Duration interval) {
            this.pingInterval = requireDuration("pingInterval", interval, Duration.ofMillis(10),
                    Duration.ofMinutes(10));
            return this;
        }

        /**
         * How often an open socket's token is checked again with the {@link #authenticator}; a token it now refuses
         * closes the socket with 1008 and the reason {@code auth} would give: {@code invalid_token} (the default
         * authenticator's answer for expired and revoked tokens alike), or {@code token_expired} if the authenticator
         * throws that. Defaults to four ping intervals. With the
         * default authenticator each check also counts as session activity (it extends the idle expiry).
         *
         * @param interval from 10 ms to 1 day
         * @return this
         */
        public Builder tokenRecheckInterval(Duration interval) {
            this.tokenRecheckInterval = requireDuration("tokenRecheckInterval", interval, Duration.ofMillis(10),
                    Duration.ofDays(1));
            return this;
        }

        /**
         * How long one write to a socket may stay incomplete before the socket is closed as a slow consumer
         * (1008 {@code slow_consumer}). Checked at every {@link #pingInterval ping interval}, so a stall is noticed
         * within {@code sendTimeout + pingInterval}. Also passed to the container as its asynchronous send timeout.
         *
         * @param timeout from 10 ms to 10 minutes
         * @return this
         */
        public Builder sendTimeout(Duration timeout) {
            this.sendTimeout = requireDuration("sendTimeout", timeout, Duration.ofMillis(10), Duration.ofMinutes(10));
            return this;
        }

        /**
         * How {@code auth} tokens are checked. Defaults to {@code chatService::authenticate}.
         *
         * @param authenticator the authenticator
         * @return this
         */
        public Builder authenticator(Authenticator authenticator) {
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator == null");
            return this;
        }

        /**
         * The clock for rate limiting, ping and token-check bookkeeping. Timers still run on real time.
         *
         * @param clock the clock
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock == null");
            return this;
        }

        /**
         * Builds the transport and starts its scheduler threads.
         *
         * @return a new transport; close it when done
         */
        public ChatWebSocket build() {
            Authenticator auth = authenticator != null ? authenticator : service::authenticate;
            Duration recheck = tokenRecheckInterval != null ? tokenRecheckInterval : pingInterval.multipliedBy(4);
            return new ChatWebSocket(service, new Settings(path, allowedOrigins, maxFrameBytes, outboundQueueLimit,
                    ratePerSecond, rateBurst, maxConnectionsPerAddress, authTimeout, pingInterval, recheck,
                    sendTimeout, auth, clock));
        }

        private static int requireRange(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ": " + value);
            }
            return value;
        }

        private static Duration requireDuration(String name, Duration value, Duration min, Duration max) {
            Objects.requireNonNull(value, name + " == null");
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ": " + value);
            }
            return value;
        }
    }
}
