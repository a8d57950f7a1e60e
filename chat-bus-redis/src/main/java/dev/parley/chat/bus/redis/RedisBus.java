package dev.parley.chat.bus.redis;

import dev.parley.chat.core.spi.Bus;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.netty.util.concurrent.EventExecutor;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link Bus} on Redis pub/sub, through Lettuce: every node subscribes to the one channel {@code <prefix>:bus}
 * and publishes to it. Redis delivers each payload to every subscriber, the sender included, in the order it
 * received them, and keeps nothing: what is published while a node is disconnected never reaches that node.
 *
 * <p>Two connections: one subscribed, one for {@code PUBLISH}. Both reconnect by themselves (Lettuce's watchdog,
 * after 0.1 s, then at most 1 s apart); the subscribed one subscribes again after each reconnect. The receiver
 * hears {@link Receiver#onConnected()} once Redis has confirmed the subscription and the publishing connection is
 * up too (so a probe published at once can come back), and {@link Receiver#onDisconnected} when either is lost:
 * Redis restarted, {@code CLIENT KILL}, the {@code client-output-buffer-limit pubsub} of a slow subscriber, a
 * reset, a peer that TCP keepalive finds dead. A connection that stays open but goes silent is not noticed here:
 * that is what {@link #reconnect()} is for.
 *
 * <p>Thread-safe. {@link #publish} never blocks: it hands the payload to Lettuce and returns; at most
 * {@code maxInFlight} payloads wait for Redis's answer at a time, and beyond that, or while the publishing
 * connection is down, payloads are dropped and counted in {@link #dropped()}. Receiver calls all run on one thread
 * of the bus's own, one after another, never overlapping; calls from a replaced connection are discarded. The Redis
 * database number in the URI does not matter: pub/sub channels are shared by all databases of a server, which is
 * why the prefix should differ between unrelated clusters on one server. Standalone Redis only (no Sentinel or
 * Cluster).
 *
 * <pre>{@code
 * Bus bus = RedisBus.builder("redis://127.0.0.1:6379").prefix("parley").build();
 * bus.start(receiver);
 * }</pre>
 */
public final class RedisBus implements Bus {
    private static final System.Logger LOG = System.getLogger(RedisBus.class.getName());

    /** The largest payload, in UTF-8 bytes. */
    static final int MAX_PAYLOAD_BYTES = 64 * 1024;
    static final int DEFAULT_MAX_IN_FLIGHT = 10_000;
    /** Between two of the bus's own connection attempts (after a failed connect or subscribe). */
    static final Duration RETRY_DELAY = Duration.ofSeconds(1);

    private static final int NEW = 0;
    private static final int STARTED = 1;
    private static final int CLOSED = 2;

    private final RedisURI uri;
    private final String where;
    private final String channel;
    private final int maxInFlight;
    private final Duration timeout;
    private final String threadPrefix;
    private final ClientResources resources;
    private final RedisClient client;
    /** The one thread on which the receiver is called. */
    private final EventExecutor deliverer;

    private final AtomicInteger state = new AtomicInteger(NEW);
    /** Bumped whenever the subscribed connection is replaced: events of an older one are discarded. */
    private final AtomicLong generation = new AtomicLong();
    private final AtomicReference<Held<StatefulRedisPubSubConnection<String, String>>> subscriber =
            new AtomicReference<>();
    private final AtomicLong publisherGeneration = new AtomicLong();
    private final AtomicReference<Held<StatefulRedisConnection<String, String>>> publisher = new AtomicReference<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();

    private volatile Receiver receiver;
    // Confined to the deliverer thread:
    private boolean subscribed;
    private long subscriberActivations;
    private boolean publisherUp;
    private boolean connected;
    private boolean outageLogged;
    private boolean outageTimed;
    private long outageSince;

    private RedisBus(Builder builder) {
        this.timeout = builder.timeout;
        this.uri = builder.redisUri;
        uri.setClientName("parley-bus:" + builder.prefix); // CLIENT LIST tells the bus's connections apart
        this.where = uri.getHost() + ":" + uri.getPort();
        this.channel = builder.prefix + ":bus";
        this.maxInFlight = builder.maxInFlight;
        this.threadPrefix = RedisSupport.threadPrefix("bus");
        this.resources = RedisSupport.resources(threadPrefix);
        this.client = RedisSupport.client(resources, uri, timeout);
        this.deliverer = resources.eventExecutorGroup().next();
    }

    /**
     * Starts building a bus on the Redis server at {@code uri}.
     *
     * @param uri {@code redis://[password@]host:port[/db]} or {@code rediss://...}; checked by
     *     {@link Builder#build()}
     * @return a builder with the defaults: prefix {@code "parley"}, 10,000 publishes in flight, 2 s timeout
     * @throws NullPointerException if {@code uri} is null
     */
    public static Builder builder(String uri) {
        return new Builder(Objects.requireNonNull(uri, "uri == null"));
    }

    /**
     * Connects and subscribes in the background and returns at once. If Redis cannot be reached, the bus keeps
     * trying every second; the receiver hears {@link Receiver#onConnected()} once subscribed.
     *
     * @param receiver where payloads and connection changes go; called on the bus's own thread
     * @throws IllegalStateException if already started or closed
     */
    @Override
    public void start(Receiver receiver) {
        Objects.requireNonNull(receiver, "receiver == null");
        if (!state.compareAndSet(NEW, STARTED)) {
            throw new IllegalStateException(state.get() == CLOSED ? "bus is closed" : "bus already started");
        }
        this.receiver = receiver; // read only on the deliverer, by tasks handed to it after this write
        connectSubscriber(generation.incrementAndGet());
        connectPublisher(publisherGeneration.incrementAndGet());
    }

    /**
     * Hands one payload to Redis and returns at once. Dropped, and counted in {@link #dropped()}, before
     * {@link #start}, after {@link #close()}, while the publishing connection is down, when {@code maxInFlight}
     * payloads already wait for Redis, and when Redis fails or times out the {@code PUBLISH} (it may then have been
     * delivered all the same). Payloads from one thread are published in call order.
     *
     * @param payload at most {@link #maxPayloadBytes()} bytes in UTF-8, without a line feed
     * @throws IllegalArgumentException if the payload is too long or holds a line feed
     */
    @Override
    public void publish(String payload) {
        Objects.requireNonNull(payload, "payload == null");
        checkPayload(payload, MAX_PAYLOAD_BYTES);
        Held<StatefulRedisConnection<String, String>> held = publisher.get();
        if (state.get() != STARTED || held == null || !held.connection.isOpen()) {
            drop("not connected");
            return;
        }
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            drop("more than " + maxInFlight + " publishes in flight");
            return;
        }
        RedisFuture<Long> sent;
        try {
            sent = held.connection.async().publish(channel, payload);
        } catch (RuntimeException e) { // closed in the meantime
            inFlight.decrementAndGet();
            drop(RedisSupport.describe(e));
            return;
        }
        sent.whenComplete((receivers, error) -> {
            inFlight.decrementAndGet();
            if (error != null) {
                drop(RedisSupport.describe(error));
            }
        });
    }

    /**
     * The largest payload {@link #publish} accepts: 64 KiB in UTF-8.
     *
     * @return 65,536
     */
    @Override
    public int maxPayloadBytes() {
        return MAX_PAYLOAD_BYTES;
    }

    /**
     * Drops both connections and connects again, without waiting: the receiver hears
     * {@link Receiver#onDisconnected} (if it was connected) and, once subscribed on the new connection,
     * {@link Receiver#onConnected()}. Nothing from the old connection reaches the receiver afterwards. Does nothing
     * before {@link #start} or after {@link #close()}.
     */
    @Override
    public void reconnect() {
        if (state.get() != STARTED) {
            return;
        }
        long g = generation.incrementAndGet();
        deliver(g, Kind.REPLACED, "reconnect requested");
        closeAsync(subscriber.getAndSet(null));
        connectSubscriber(g);

        long p = publisherGeneration.incrementAndGet();
        closeAsync(publisher.getAndSet(null));
        connectPublisher(p);
    }

    /**
     * The payloads dropped by {@link #publish} since this bus was built.
     *
     * @return a count, never decreasing
     */
    @Override
    public long dropped() {
        return dropped.sum();
    }

    /**
     * Unsubscribes, closes both connections and shuts down the bus's Lettuce client and threads, waiting a few
     * seconds at most. No receiver call starts afterwards. Idempotent; do not call it from the receiver.
     */
    @Override
    public void close() {
        int was = state.getAndSet(CLOSED);
        if (was == CLOSED) {
            return;
        }
        generation.incrementAndGet();
        publisherGeneration.incrementAndGet();
        Held<StatefulRedisPubSubConnection<String, String>> sub = subscriber.getAndSet(null);
        if (sub != null && sub.connection.isOpen()) {
            try {
                sub.connection.async().unsubscribe(channel).get(Math.min(timeout.toMillis(), 500),
                        TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.log(Level.DEBUG, () -> "UNSUBSCRIBE failed on close: " + RedisSupport.describe(e));
            }
        }
        publisher.set(null);
        RedisSupport.shutdown(client, resources); // closes both connections
        LOG.log(Level.DEBUG, () -> "Redis bus on " + channel + " at " + where + " closed");
    }

    /** The start of the names of this bus's threads (tests check that none is left after close). */
    String threadPrefix() {
        return threadPrefix;
    }

    /** The channel this bus subscribes and publishes to. */
    String channel() {
        return channel;
    }

    static void checkPayload(String payload, int maxBytes) {
        long bytes = 0;
        int length = payload.length();
        for (int i = 0; i < length; i++) {
            char c = payload.charAt(i);
            if (c < 0x80) {
                if (c == '\n') {
                    throw new IllegalArgumentException("payload holds a line feed at index " + i);
                }
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length
                    && Character.isLowSurrogate(payload.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        if (bytes > maxBytes) {
            throw new IllegalArgumentException(
                    "payload is " + bytes + " bytes in UTF-8, more than the " + maxBytes + " allowed");
        }
    }

    // --- the subscribed connection ------------------------------------------------------------------------------

    private void connectSubscriber(long g) {
        if (!currentSubscriber(g)) {
            return;
        }
        client.connectPubSubAsync(StringCodec.UTF8, uri).whenComplete((connection, error) -> {
            if (error != null) {
                retrySubscriber(g, "cannot connect: " + RedisSupport.describe(error));
                return;
            }
            Held<StatefulRedisPubSubConnection<String, String>> held = new Held<>(g, connection);
            if (!adopt(subscriber, held, () -> currentSubscriber(g))) {
                return;
            }
            connection.addListener(new Messages(g));
            connection.addListener(new ConnectionState(g, Kind.SUB_ACTIVE, Kind.SUB_LOST));
            connection.async().subscribe(channel).whenComplete((ignored, failure) -> {
                if (failure != null) {
                    abandonSubscriber(g, "cannot subscribe: " + RedisSupport.describe(failure));
                }
            });
        });
    }

    /** Closes generation {@code g}'s connection, if it is still the current one, and tries again. */
    private void abandonSubscriber(long g, String reason) {
        Held<StatefulRedisPubSubConnection<String, String>> held = subscriber.get();
        if (held != null && held.generation == g && subscriber.compareAndSet(held, null)) {
            held.connection.closeAsync();
        }
        retrySubscriber(g, reason);
    }

    /** Generation {@code g}'s attempt failed: try again on a new connection (a new generation) after a pause. */
    private void retrySubscriber(long g, String reason) {
        if (state.get() != STARTED || !generation.compareAndSet(g, g + 1)) {
            return; // replaced or closed in the meantime: whoever did that connects
        }
        long next = g + 1;
        deliver(next, Kind.SUB_FAILED, reason);
        schedule(() -> connectSubscriber(next));
    }

    private boolean currentSubscriber(long g) {
        return state.get() == STARTED && generation.get() == g;
    }

    /** Pub/sub callbacks, on the connection's event loop: handed on at once. */
    private final class Messages extends RedisPubSubAdapter<String, String> {
        private final long generation;

        Messages(long generation) {
            this.generation = generation;
        }

        @Override
        public void message(String from, String payload) {
            deliver(generation, Kind.MESSAGE, payload);
        }

        @Override
        public void subscribed(String subscribedChannel, long count) {
            deliver(generation, Kind.SUBSCRIBED, null); // after start and after each of Lettuce's re-subscriptions
        }
    }

    /**
     * Connection callbacks, on the connection's event loop: handed on at once. {@code onRedisConnected} comes once
     * the handshake is done, after each of Lettuce's reconnects.
     */
    private final class ConnectionState implements RedisConnectionStateListener {
        private final long generation;
        private final Kind up;
        private final Kind down;
        private volatile String lastError;

        ConnectionState(long generation, Kind up, Kind down) {
            this.generation = generation;
            this.up = up;
            this.down = down;
        }

        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, java.net.SocketAddress address) {
            if (up != null) {
                deliver(generation, up, null);
            }
        }

        @Override
        public void onRedisExceptionCaught(RedisChannelHandler<?, ?> connection, Throwable cause) {
            lastError = RedisSupport.describe(cause);
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            String error = lastError;
            lastError = null;
            deliver(generation, down, error == null ? "connection lost" : "connection lost: " + error);
        }
    }

    // --- the receiver's thread ----------------------------------------------------------------------------------

    /** What happened, and to which connection (the publishing one's carry its own generation). */
    private enum Kind {
        MESSAGE(false), SUB_ACTIVE(false), SUBSCRIBED(false), SUB_LOST(false), SUB_FAILED(false), REPLACED(false),
        PUB_UP(true), PUB_LOST(true), PUB_FAILED(true);

        final boolean publisher;

        Kind(boolean publisher) {
            this.publisher = publisher;
        }
    }

    private void deliver(long g, Kind kind, String text) {
        try {
            deliverer.execute(() -> handle(g, kind, text));
        } catch (RejectedExecutionException e) {
            // closed: nothing more reaches the receiver
        }
    }

    /**
     * Runs on the deliverer thread only, one event at a time. The bus counts as connected while it is subscribed
     * and its publishing connection is up (so a self-probe sent right after {@link Receiver#onConnected()} can
     * work); the receiver hears of every change of that.
     */
    private void handle(long g, Kind kind, String text) {
        long current = kind.publisher ? publisherGeneration.get() : generation.get();
        if (state.get() != STARTED || current != g) {
            return; // from a replaced connection, or closed
        }
        switch (kind) {
            case MESSAGE -> {
                call(kind, () -> receiver.onMessage(text));
                return;
            }
            case SUB_ACTIVE -> {
                // Lettuce reconnected and re-subscribes by itself, but only logs a failed re-subscription: if no
                // confirmation comes in time, start over on a new connection.
                long activation = ++subscriberActivations;
                try {
                    deliverer.schedule(() -> {
                        if (currentSubscriber(g) && activation == subscriberActivations && !subscribed) {
                            abandonSubscriber(g, "no subscription confirmed within " + timeout.toMillis() + " ms");
                        }
                    }, timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    // closed
                }
                return;
            }
            case SUBSCRIBED -> subscribed = true;
            case PUB_UP -> publisherUp = true;
            case SUB_LOST, SUB_FAILED -> subscribed = false;
            case PUB_LOST, PUB_FAILED -> publisherUp = false;
            case REPLACED -> {
                subscribed = false;
                publisherUp = false;
            }
            default -> throw new AssertionError(kind);
        }
        boolean up = subscribed && publisherUp;
        if (up && !connected) {
            connected = true;
            if (outageTimed) {
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageSince);
                LOG.log(Level.INFO, () -> "Redis bus connected again to " + channel + " at " + where + " after "
                        + millis + " ms");
            } else {
                LOG.log(Level.INFO, () -> "Redis bus connected to " + channel + " at " + where);
            }
            outageLogged = false;
            outageTimed = false;
            call(kind, () -> receiver.onConnected());
        } else if (!up && connected) {
            connected = false;
            outageTimed = true;
            outageSince = System.nanoTime();
            if (kind == Kind.REPLACED) {
                LOG.log(Level.INFO, () -> "Redis bus reconnecting to " + where + " as asked");
            } else {
                outageLogged = true;
                LOG.log(Level.WARNING, () -> "Redis bus lost its " + (kind.publisher ? "publishing" : "subscribed")
                        + " connection to " + where + " (" + text + "); reconnecting");
            }
            call(kind, () -> receiver.onDisconnected(text));
        } else if ((kind == Kind.SUB_FAILED || kind == Kind.PUB_FAILED) && !outageLogged) {
            outageLogged = true;
            if (!outageTimed) {
                outageTimed = true;
                outageSince = System.nanoTime();
            }
            LOG.log(Level.WARNING, () -> "Redis bus cannot connect to " + channel + " at " + where + " (" + text
                    + "); retrying every " + RETRY_DELAY.toMillis() + " ms");
        } else if (text != null) {
            LOG.log(Level.DEBUG, () -> "Redis bus at " + where + ": " + kind + " " + text);
        }
    }

    private void call(Kind kind, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, () -> "Redis bus receiver failed on " + kind + ": " + RedisSupport.describe(e));
            LOG.log(Level.DEBUG, "receiver failure", e);
        }
    }

    // --- the publishing connection ------------------------------------------------------------------------------

    private void connectPublisher(long p) {
        if (!currentPublisher(p)) {
            return;
        }
        client.connectAsync(StringCodec.UTF8, uri).whenComplete((connection, error) -> {
            if (error != null) {
                if (currentPublisher(p)) {
                    deliver(p, Kind.PUB_FAILED, "cannot connect: " + RedisSupport.describe(error));
                    schedule(() -> connectPublisher(p));
                }
                return;
            }
            if (adopt(publisher, new Held<>(p, connection), () -> currentPublisher(p))) {
                connection.addListener(new ConnectionState(p, Kind.PUB_UP, Kind.PUB_LOST));
                if (connection.isOpen()) { // else it is down already, and the listener hears when it is back
                    deliver(p, Kind.PUB_UP, null);
                }
            }
        });
    }

    private boolean currentPublisher(long p) {
        return state.get() == STARTED && publisherGeneration.get() == p;
    }

    private void drop(String why) {
        dropped.increment();
        LOG.log(Level.DEBUG, () -> "Redis bus dropped a payload: " + why);
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    /** A connection and the generation it was opened for. */
    private record Held<C extends StatefulConnection<?, ?>>(long generation, C connection) {
    }

    /**
     * Puts a fresh connection in {@code slot} unless a newer one is there or it is no longer wanted; whatever it
     * displaces, or itself when unwanted, is closed. Every path that takes a connection out of a slot closes it.
     */
    private static <C extends StatefulConnection<?, ?>> boolean adopt(AtomicReference<Held<C>> slot, Held<C> fresh,
            java.util.function.BooleanSupplier wanted) {
        while (true) {
            Held<C> current = slot.get();
            if (!wanted.getAsBoolean() || (current != null && current.generation > fresh.generation)) {
                fresh.connection.closeAsync();
                return false;
            }
            if (slot.compareAndSet(current, fresh)) {
                closeAsync(current);
                break;
            }
        }
        if (!wanted.getAsBoolean()) { // replaced or closed while it was being put in
            if (slot.compareAndSet(fresh, null)) {
                fresh.connection.closeAsync();
            }
            return false;
        }
        return true;
    }

    private static void closeAsync(Held<?> held) {
        if (held != null) {
            held.connection.closeAsync();
        }
    }

    private void schedule(Runnable task) {
        try {
            resources.eventExecutorGroup().schedule(task, RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /**
     * Settings of a {@link RedisBus}. Not thread-safe; {@link #build()} checks them all.
     */
    public static final class Builder {
        private final String uri;
        private String prefix = RedisSupport.DEFAULT_PREFIX;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private Duration timeout = RedisSupport.DEFAULT_TIMEOUT;
        private RedisURI redisUri;

        private Builder(String uri) {
            this.uri = uri;
        }

        /**
         * The start of the channel name: the bus uses {@code <prefix>:bus}. Nodes of one cluster share it.
         *
         * @param prefix 1 to 64 of {@code A-Z a-z 0-9 . _ : { } -}; default {@code "parley"}
         * @return this builder
         */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix == null");
            return this;
        }

        /**
         * How many payloads may wait for Redis's answer at once; {@link #publish} drops beyond that.
         *
         * @param maxInFlight 1 to 1,000,000; default 10,000
         * @return this builder
         */
        public Builder maxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
            return this;
        }

        /**
         * How long to wait for a connection (TCP connect and handshake), a {@code SUBSCRIBE} or a {@code PUBLISH}.
         *
         * @param timeout more than 0, at most 1 minute; default 2 s
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout == null");
            return this;
        }

        /**
         * Checks the settings and makes the bus, with its Lettuce client and threads; nothing connects before
         * {@link RedisBus#start}.
         *
         * @return a new bus, to be closed
         * @throws IllegalArgumentException naming the first bad setting
         */
        public RedisBus build() {
            RedisSupport.timeout(timeout);
            RedisSupport.prefix(prefix);
            if (maxInFlight < 1 || maxInFlight > 1_000_000) {
                throw new IllegalArgumentException("maxInFlight: must be 1 to 1,000,000, got " + maxInFlight);
            }
            redisUri = RedisSupport.uri(uri, timeout);
            return new RedisBus(this);
        }
    }
}
