package dev.parley.chat.bus.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.MaintNotificationsConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/** Settings checks and the Lettuce client setup shared by {@link RedisBus} and {@link RedisPresenceRegistry}. */
final class RedisSupport {
    private static final System.Logger LOG = System.getLogger(RedisSupport.class.getName());
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._:{}-]{1,64}");
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    static final String DEFAULT_PREFIX = "parley";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    /** Lettuce's own reconnects: quick at first, then at most a second apart. */
    static final Duration RECONNECT_MIN = Duration.ofMillis(100);
    static final Duration RECONNECT_MAX = Duration.ofSeconds(1);

    private RedisSupport() {
    }

    /**
     * Parses {@code redis://[password@]host:port[/db]} (or {@code rediss://}), naming the setting when it is wrong.
     */
    static RedisURI uri(String uri, Duration timeout) {
        Objects.requireNonNull(uri, "uri == null");
        String scheme;
        try {
            scheme = new URI(uri).getScheme();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("uri: not a URI: " + e.getMessage(), e);
        }
        if (scheme == null || !(scheme.toLowerCase(Locale.ROOT).equals("redis")
                || scheme.toLowerCase(Locale.ROOT).equals("rediss"))) {
            throw new IllegalArgumentException("uri: expected redis://host:port[/db] or rediss://..., got " + uri);
        }
        RedisURI parsed;
        try {
            parsed = RedisURI.create(uri);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("uri: " + e.getMessage(), e);
        }
        parsed.setTimeout(timeout); // also bounds each connection's handshake
        return parsed;
    }

    static String prefix(String prefix) {
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException(
                    "prefix: 1 to 64 of the characters A-Z a-z 0-9 . _ : { } -, got \"" + prefix + "\"");
        }
        return prefix;
    }

    static Duration timeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("timeout: must be more than 0 and at most 1 minute, got " + timeout);
        }
        return timeout;
    }

    /** A thread name prefix unique to one instance, so its threads can be told apart (and shown gone). */
    static String threadPrefix(String kind) {
        return "parley-redis-" + kind + "-" + INSTANCES.incrementAndGet() + "-";
    }

    /** Client resources of one's own (two I/O threads, two for computation, a timer), daemon threads. */
    static ClientResources resources(String threadPrefix) {
        return DefaultClientResources.builder()
                .ioThreadPoolSize(DefaultClientResources.MIN_IO_THREADS)
                .computationThreadPoolSize(DefaultClientResources.MIN_COMPUTATION_THREADS)
                .threadFactoryProvider(pool -> new DefaultThreadFactory(threadPrefix + pool, true))
                .reconnectDelay(() -> Delay.exponential(RECONNECT_MIN, RECONNECT_MAX, 2, TimeUnit.MILLISECONDS))
                .build();
    }

    /**
     * A client that reconnects by itself, fails commands at once while disconnected (instead of queueing them),
     * times every command out after {@code timeout}, and notices a dead peer through TCP keepalive.
     */
    static RedisClient client(ClientResources resources, RedisURI uri, Duration timeout) {
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .pingBeforeActivateConnection(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .suspendReconnectOnProtocolFailure(false)
                .maintNotificationsConfig(MaintNotificationsConfig.disabled())
                .timeoutOptions(TimeoutOptions.builder().fixedTimeout(timeout).build())
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(timeout)
                        .tcpNoDelay(true)
                        .keepAlive(SocketOptions.KeepAliveOptions.builder()
                                .enable()
                                .idle(Duration.ofSeconds(5))
                                .interval(Duration.ofSeconds(1))
                                .count(3)
                                .build())
                        .build())
                .build());
        return client;
    }

    /** Closes the client and its resources without the default two-second quiet period; never throws. */
    static void shutdown(RedisClient client, ClientResources resources) {
        try {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "Redis client shutdown failed", e);
        }
        try {
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "Redis client resources shutdown failed", e);
        }
    }

    /** A short description of a failure, for one log line or a receiver's reason. */
    static String describe(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause
                && (cause instanceof java.util.concurrent.CompletionException
                        || cause instanceof java.util.concurrent.ExecutionException)) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : cause.getClass().getSimpleName() + ": " + message;
    }
}
