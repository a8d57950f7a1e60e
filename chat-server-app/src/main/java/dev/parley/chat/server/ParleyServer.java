package dev.parley.chat.server;

import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.parley.chat.core.ChatService;
import dev.parley.chat.core.ChatSettings;
import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.core.spi.Fanout;
import dev.parley.chat.micrometer.ChatServiceMetrics;
import dev.parley.chat.micrometer.ClusterFanoutMetrics;
import dev.parley.chat.micrometer.WebSocketMetrics;
import dev.parley.chat.password4j.Argon2idPasswordHasher;
import dev.parley.chat.store.jooq.JooqChatStorage;
import dev.parley.chat.transport.websocket.ChatWebSocket;
import dev.parley.chat.transport.websocket.grizzly.WebSocketMount;
import jakarta.websocket.DeploymentException;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.glassfish.grizzly.http.server.HttpHandlerRegistration;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.ServerConfiguration;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;

/**
 * The Parley reference server: the WebSocket endpoint ({@code /ws}), the REST API ({@code /api/*}),
 * {@code /health/live}, {@code /health/ready} (and {@code /health}, the same as ready), {@code /metrics},
 * {@code /openapi.yaml} and the chat page ({@code /}) on one port.
 *
 * <p>One Grizzly {@link HttpServer} with one {@link NetworkListener} carries everything: a {@link WebSocketMount}
 * (Tyrus's {@code WebSocketAddOn}) puts a WebSocket filter in that listener's filter chain, which takes over upgrade
 * requests for deployed endpoints and passes every other request on to the plain HTTP handlers.
 *
 * <pre>{@code
 * try (ParleyServer server = new ParleyServer(ServerConfig.load()).start()) {
 *     System.out.println("listening on " + server.port());
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops accepting connections, lets running HTTP requests finish (up to a few seconds), closes
 * the WebSocket connections with 1001 (going away), closes the chat service, closes the storage (which finishes
 * accepted writes), and stops Grizzly. Thread-safe.
 */
public final class ParleyServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ParleyServer.class.getName());
    private static final String LISTENER = "parley";
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);
    /** Remembered usernames and addresses for login throttling. */
    private static final int THROTTLE_KEYS = 20_000;

    private final ServerConfig config;
    private final Clock clock;
    private final InFlight inFlight = new InFlight();
    private final Metrics metrics;
    private final UnaryOperator<ChatStorage> storageView;

    private boolean started;
    private boolean closed;
    private SqliteLock sqliteLock;
    private JooqChatStorage storage;
    private Fanout fanout;
    private ClusterWiring cluster;
    private ChatService chat;
    private ChatWebSocket webSocket;
    private WebSocketMount webSocketMount;
    private HttpServer http;
    private NetworkListener listener;

    /**
     * A server with the system clock.
     *
     * @param config the validated configuration
     */
    public ParleyServer(ServerConfig config) {
        this(config, Clock.systemUTC());
    }

    /**
     * A server with the given clock (for timestamps, session expiry and login throttling).
     *
     * @param config the validated configuration
     * @param clock the clock
     */
    public ParleyServer(ServerConfig config, Clock clock) {
        this(config, clock, UnaryOperator.identity());
    }

    /** For tests: the service sees the storage through {@code storageView} (for example one without search). */
    ParleyServer(ServerConfig config, Clock clock, UnaryOperator<ChatStorage> storageView) {
        this.config = Objects.requireNonNull(config, "config == null");
        this.clock = Objects.requireNonNull(clock, "clock == null");
        this.storageView = Objects.requireNonNull(storageView, "storageView == null");
        this.metrics = new Metrics();
    }

    /**
     * Opens the database (creating or migrating its schema), starts the service, the WebSocket transport and the
     * HTTP listener. On failure everything already started is closed again.
     *
     * @return this
     * @throws IOException if the port cannot be bound (a {@link BindException} naming the address and the settings to
     *     change), or if another server holds the SQLite database's lock ({@link SqliteLock})
     * @throws IllegalStateException if already started or closed
     * @throws dev.parley.chat.core.UnavailableException if the database cannot be opened
     */
    public synchronized ParleyServer start() throws IOException {
        if (started || closed) {
            throw new IllegalStateException(closed ? "closed" : "already started");
        }
        started = true;
        try {
            storage = openStorage();
            cluster = ClusterWiring.open(config, storage);
            fanout = cluster.fanout();
            ChatServiceMetrics chatMetrics = new ChatServiceMetrics();
            chatMetrics.bindTo(metrics.registry());
            if (cluster.cluster() != null) {
                new ClusterFanoutMetrics(cluster.cluster()).bindTo(metrics.registry());
            }
            ChatService.Builder builder = ChatService.builder()
                    .storage(storageView.apply(storage))
                    .fanout(fanout)
                    .passwordHasher(Argon2idPasswordHasher.owasp())
                    .clock(clock)
                    .observer(chatMetrics)
                    .settings(ChatSettings.builder()
                            .maxMessageLength(config.maxMessageLength())
                            .sessionIdleTimeout(config.sessionIdleTimeout())
                            .sessionLifetime(config.sessionLifetime())
                            .feedRecheckInterval(cluster.recheckInterval())
                            .presenceTtl(config.presenceTtl())
                            .build());
            if (cluster.presence() != null) {
                builder.presenceRegistry(cluster.presence());
            }
            chat = builder.build();
            webSocket = ChatWebSocket.builder(chat)
                    .path("/ws")
                    .allowedOrigins(new LinkedHashSet<>(config.allowedOrigins()))
                    .maxFrameBytes(config.wsMaxFrameBytes())
                    .rateLimit(config.wsRatePerSecond(), Math.min(100_000, 2 * config.wsRatePerSecond()))
                    .maxConnectionsPerAddress(config.wsMaxConnectionsPerAddress())
                    .outboundQueueLimit(config.wsOutboundQueue())
                    .clock(clock)
                    .build();
            new WebSocketMetrics(webSocket).bindTo(metrics.registry());
            http = new HttpServer();
            listener = new NetworkListener(LISTENER, config.bind(), config.port());
            configureListener(listener);
            http.addListener(listener);
            registerHandlers(http.getServerConfiguration());
            try {
                http.start();
            } catch (BindException e) {
                throw cannotListen(e);
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(e);
            throw e;
        } catch (DeploymentException e) {
            closeQuietly(e);
            throw new IllegalStateException("cannot deploy the WebSocket endpoint: " + e.getMessage(), e);
        }
        return this;
    }

    private BindException cannotListen(BindException e) {
        BindException named = new BindException("cannot listen on port " + config.port() + " of " + config.bind()
                + " (" + e.getMessage() + "): set " + ServerConfig.PORT + " to a free port, or " + ServerConfig.BIND
                + " to another address of this machine");
        named.initCause(e);
        return named;
    }

    private JooqChatStorage openStorage() throws IOException {
        if (config.postgres()) {
            LOG.log(System.Logger.Level.INFO, "Opening PostgreSQL");
            return JooqChatStorage.postgresBuilder(config.dbUrl())
                    .connectTimeout(config.dbConnectTimeout())
                    .socketTimeout(config.dbSocketTimeout())
                    .poolMetrics(new MicrometerMetricsTrackerFactory(metrics.registry()))
                    .open();
        }
        sqliteLock = SqliteLock.acquire(config.sqliteFile());
        LOG.log(System.Logger.Level.INFO, "Opening SQLite database " + config.sqliteFile().toAbsolutePath().normalize());
        return JooqChatStorage.sqliteBuilder(config.sqliteFile()).synchronous(config.sqliteSynchronous()).open();
    }

    private void configureListener(NetworkListener l) throws DeploymentException {
        TCPNIOTransport transport = l.getTransport();
        // Handlers block (database, password hashing): run them on worker threads, not selector threads.
        transport.setIOStrategy(WorkerThreadIOStrategy.getInstance());
        transport.setWorkerThreadPoolConfig(ThreadPoolConfig.defaultConfig()
                .setPoolName("parley-http")
                .setCorePoolSize(8)
                .setMaxPoolSize(64));
        l.setMaxHttpHeaderSize(16 * 1024);
        l.registerAddOn(new HttpGuard());
        webSocketMount = WebSocketMount.mount(l, webSocket.endpointConfig(), config.wsMaxFrameBytes());
    }

    private void registerHandlers(ServerConfiguration sc) {
        sc.setHttpServerName("Parley");
        sc.setHttpServerVersion("");
        sc.setDefaultQueryEncoding(java.nio.charset.StandardCharsets.UTF_8);
        // TRACE goes to the handlers, which refuse it with their own Allow header (Grizzly's refusal lists methods
        // no resource here supports); nothing ever echoes a request back.
        sc.setPassTraceRequest(true);
        // A larger unread body than this closes the connection instead of being read and skipped.
        sc.setMaxPayloadRemainderToSkip(config.maxBodyBytes());
        ParleyHandler.Context context = new ParleyHandler.Context(metrics, inFlight, config.maxBodyBytes());
        ClassLoader loader = ParleyServer.class.getClassLoader();
        LoginThrottle throttle = new LoginThrottle(clock, config.loginMaxFailures(), config.loginFailureWindow(),
                THROTTLE_KEYS);
        ChatWebSocket ws = webSocket;
        sc.addHttpHandler(new ApiHandler(context, chat, throttle, ws::closeSessionsForToken), pattern("/api/*"));
        sc.addHttpHandler(new OperationsHandlers.Liveness(context), pattern("/health/live"));
        // One call: Grizzly keys registrations by handler, so a second call would replace the first path.
        sc.addHttpHandler(new OperationsHandlers.Readiness(context, chat, cluster::busProblem), pattern("/health/ready"),
                pattern("/health"));
        sc.addHttpHandler(new OperationsHandlers.Prometheus(context), pattern("/metrics"));
        sc.addHttpHandler(new OperationsHandlers.OpenApi(context, loader), pattern("/openapi.yaml"));
        sc.addHttpHandler(new StaticHandler(context, loader), pattern("/"));
    }

    private static HttpHandlerRegistration pattern(String urlPattern) {
        return HttpHandlerRegistration.builder().contextPath("").urlPattern(urlPattern).build();
    }

    /**
     * The port the server listens on (the real one when configured with port 0).
     *
     * @return the port
     * @throws IllegalStateException if not started
     */
    public synchronized int port() {
        if (!started || listener == null || closed) {
            throw new IllegalStateException("not running");
        }
        return listener.getPort();
    }

    /**
     * The address to open in a browser, for example {@code http://127.0.0.1:8080/}.
     *
     * @return the URI
     */
    public synchronized URI uri() {
        String host = config.bind();
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "127.0.0.1";
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + port() + "/");
    }

    /**
     * Shuts down in order: stop accepting connections, wait for running HTTP requests (up to 5 s), close WebSocket
     * connections (1001), close the chat service, close the storage (finishing accepted writes), stop Grizzly.
     * Idempotent; never throws.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(null);
    }

    private void closeQuietly(Throwable failure) {
        closed = true;
        if (listener != null && listener.isStarted()) {
            try {
                listener.getTransport().unbindAll();
            } catch (RuntimeException e) {
                suppress(failure, "stop accepting", e);
            }
            try {
                if (!inFlight.awaitIdle(DRAIN_TIMEOUT)) {
                    LOG.log(System.Logger.Level.WARNING, "HTTP requests still running after " + DRAIN_TIMEOUT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (webSocket != null) {
            run(failure, "close WebSocket connections", webSocket::close);
        }
        if (chat != null) {
            run(failure, "close the chat service", chat::close);
        }
        if (cluster != null) {
            run(failure, "close the cluster bus", cluster::close);
        }
        if (storage != null) {
            run(failure, "close the storage", storage::close);
        }
        if (sqliteLock != null) {
            sqliteLock.close();
        }
        if (http != null) {
            run(failure, "stop the HTTP server", () -> {
                try {
                    http.shutdown(1, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    http.shutdownNow();
                }
            });
        }
        if (webSocketMount != null) {
            run(failure, "stop the WebSocket container", webSocketMount::close);
        }
        run(failure, "close the metrics", metrics::close);
    }

    private static void run(Throwable failure, String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            suppress(failure, what, e);
        }
    }

    private static void suppress(Throwable failure, String what, RuntimeException e) {
        if (failure != null) {
            failure.addSuppressed(e);
        } else {
            LOG.log(System.Logger.Level.WARNING, "Could not " + what, e);
        }
    }

    /**
     * Starts the server from the environment and {@code .env}, prints its address, and runs until the JVM is asked
     * to stop (Ctrl-C, SIGTERM), then shuts down cleanly. Exits with status 2 for a configuration error and 1 if the
     * server cannot start.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        OptionalInt exit = CommandLine.handle(args, System.out, System.err);
        if (exit.isPresent()) {
            System.exit(exit.getAsInt());
            return;
        }
        Logging.quietDefaults();
        ServerConfig config;
        try {
            config = ServerConfig.load();
        } catch (IllegalArgumentException e) {
            System.err.println("Invalid configuration: " + e.getMessage());
            System.exit(CommandLine.EXIT_USAGE);
            return;
        }
        Logging.apply(config.logFormat(), java.util.logging.Logger.getLogger(""));
        Consumer<String> say = Logging.announcer(config.logFormat(), ParleyServer.class.getName());
        if (!config.unknownKeys().isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "Ignoring unknown settings: " + config.unknownKeys());
        }
        ParleyServer server = new ParleyServer(config);
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            System.err.println("Parley could not start: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            server.close();
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            say.accept("Parley is shutting down");
            server.close();
            say.accept("Parley stopped");
            stopped.countDown();
        }, "parley-shutdown"));
        say.accept("Parley is running at " + server.uri());
        // Grizzly's threads are daemons: keep the JVM alive until it is asked to stop.
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
