package dev.parley.chat.transport.websocket.internal;

import dev.parley.chat.core.ChatService;
import dev.parley.chat.transport.websocket.ChatWebSocketMetrics;
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
import java.util.HashMap;
import java.util.Map;
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
 * The shared state behind a {@link dev.parley.chat.transport.websocket.ChatWebSocket}: the open connections, the
 * per-address counts, the frame encoder, the counters and the scheduler. Public only for
 * {@code ChatWebSocket}; not an API.
 */
public final class WebSocketHub implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WebSocketHub.class.getName());
    private static final String CONNECTION = "dev.parley.ws.connection";
    private static final AtomicInteger HUBS = new AtomicInteger();

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

    /**
     * Starts the hub and its scheduler.
     *
     * @param service the chat service
     * @param settings the validated options
     */
    public WebSocketHub(ChatService service, Settings settings) {
        this.service = service;
        this.settings = settings;
        int hub = HUBS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "parley-ws-" + hub + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.scheduler = new ScheduledThreadPoolExecutor(2, factory);
        this.flusher = new Flusher("parley-ws-" + hub + "-writer");
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        long ping = settings.pingInterval().toMillis();
        scheduler.scheduleAtFixedRate(this::sweep, ping, ping, TimeUnit.MILLISECONDS);
        HandshakeConfigurator configurator = new HandshakeConfigurator(this, settings.allowedOrigins());
        this.endpointConfig = ServerEndpointConfig.Builder.create(ChatEndpoint.class, settings.path())
                .configurator(configurator).build();
        configurator.sharedProperties(endpointConfig.getUserProperties());
    }

    /** @see dev.parley.chat.transport.websocket.ChatWebSocket#endpointConfig() */
    public ServerEndpointConfig endpointConfig() {
        return endpointConfig;
    }

    /** @see dev.parley.chat.transport.websocket.ChatWebSocket#closeSessionsForToken(String) */
    public void closeSessionsForToken(String token) {
        byte[] candidate = token.getBytes(StandardCharsets.UTF_8);
        for (Connection c : connections) {
            if (c.hasToken(candidate)) {
                c.closeForPolicy(CloseReason.CloseCodes.VIOLATED_POLICY, "logged_out");
            }
        }
    }

    /** @see dev.parley.chat.transport.websocket.ChatWebSocket#connectionCount() */
    public int connectionCount() {
        return connections.size();
    }

    /** @see dev.parley.chat.transport.websocket.ChatWebSocket#metrics() */
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

    /** @see dev.parley.chat.transport.websocket.ChatWebSocket#close() */
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
                settings.pingInterval().toMillis() * (Connection.MISSED_PONGS + 1)));
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
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) c::onText);
        // Partial, so that the first fragment already closes the socket and nothing is buffered for it.
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) (part, last) -> c.onBinary());
        session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) m -> c.onPong());
        c.startAuthTimer();
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
                c.tick(now);
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
}
