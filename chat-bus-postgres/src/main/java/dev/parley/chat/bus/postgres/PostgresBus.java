package dev.parley.chat.bus.postgres;

import dev.parley.chat.core.spi.Bus;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Bus} on PostgreSQL {@code LISTEN/NOTIFY}: every bus on the same database and channel receives every
 * payload published on any of them, its own included.
 *
 * <p><b>Connections.</b> Each bus opens two connections of its own through {@link java.sql.DriverManager}, outside
 * any pool: a listener connection that runs {@code LISTEN} and polls for notifications, and a notifier connection
 * that sends them. Both use auto-commit and never hold a transaction open. Connect them to the server directly, not
 * through PgBouncer's transaction pooling (LISTEN needs a session of its own). Set {@code application_name} (see
 * {@link Builder#applicationName}) to find them in {@code pg_stat_activity}.
 *
 * <p><b>Publishing.</b> {@link #publish} only queues the payload (up to {@link Builder#maxQueuedPayloads}); one
 * notifier thread joins what is queued with line feeds into NOTIFY payloads of at most {@link #maxPayloadBytes()}
 * bytes and sends them with {@code pg_notify}, up to 32 per round-trip, after waiting {@link Builder#batchDelay} for
 * company when a payload comes alone. NOTIFY takes a database-wide lock at commit, so fewer, larger notifications
 * scale better; the bus never notifies inside anyone else's transaction. Payloads are visible to every user of the
 * database who listens on the channel: send identifiers, not content.
 *
 * <p><b>Delivery.</b> At most once, in order per publishing bus while its connections stay up. A payload is lost if
 * it is published while the bus is disconnected or its queue is full, if its send fails, or if it is notified while a
 * receiving bus is disconnected: PostgreSQL delivers notifications at commit to the sessions listening then, and never
 * replays them. Every such loss known to the publishing bus is counted in {@link #dropped()}.
 *
 * <p><b>Failures.</b> A poll for notifications waits at most {@link Builder#pollInterval}; after a second without
 * news from the server, a validity check with a 2-second timeout proves the connection alive, so a broken or
 * stalled connection (open but silent) is noticed within about 3.5 s at the default poll interval. Then both
 * connections are closed, the receiver's {@link Receiver#onDisconnected} is called once, and the bus reconnects with a
 * jittered exponential backoff ({@link Builder#reconnectBackoff}), listens again and calls
 * {@link Receiver#onConnected()}. One WARNING is logged per outage (through {@link System.Logger}, under this class's
 * name), the details at DEBUG.
 *
 * <p><b>Threads.</b> Two daemon threads per bus, named {@code parley-bus-pg-listener-<channel>} and
 * {@code parley-bus-pg-notifier-<channel>}. Every receiver call comes from the listener thread, so calls never
 * overlap; a receiver that throws is logged and goes on receiving. All methods of this class are thread-safe.
 */
public final class PostgresBus implements Bus {
    private final Settings settings;
    private final Outbox outbox;
    private final Object lifecycle = new Object();
    private Listener listener; // guarded by lifecycle
    private Notifier notifier; // guarded by lifecycle
    private Thread listenerThread; // guarded by lifecycle
    private Thread notifierThread; // guarded by lifecycle
    private boolean started; // guarded by lifecycle
    private boolean closed; // guarded by lifecycle

    private PostgresBus(Settings settings) {
        this.settings = settings;
        this.outbox = new Outbox(settings.maxQueuedPayloads());
    }

    /**
     * A builder for a bus on the database at {@code jdbcUrl}.
     *
     * @param jdbcUrl a {@code jdbc:postgresql:} URL; its parameters win over the builder's settings of the same name
     *     ({@code user}, {@code password}, {@code ApplicationName}, {@code connectTimeout}, {@code loginTimeout},
     *     {@code socketTimeout}, {@code tcpKeepAlive})
     * @return the builder
     * @throws NullPointerException if {@code jdbcUrl} is null
     */
    public static Builder builder(String jdbcUrl) {
        return new Builder(jdbcUrl);
    }

    /**
     * Starts the listener and notifier threads and returns at once; the receiver hears {@link Receiver#onConnected()}
     * once the bus listens. If the database cannot be reached, the bus keeps trying (logging one WARNING) and the
     * receiver hears nothing until it succeeds.
     *
     * @param receiver where payloads and connection changes go
     * @throws NullPointerException if {@code receiver} is null
     * @throws IllegalStateException if already started or closed
     */
    @Override
    public void start(Receiver receiver) {
        Objects.requireNonNull(receiver, "receiver == null");
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("bus is closed");
            }
            if (started) {
                throw new IllegalStateException("bus already started");
            }
            started = true;
            listener = new Listener(settings, receiver, outbox);
            notifier = new Notifier(settings, outbox, listener::current, listener::checkStuck);
            listenerThread = daemon("parley-bus-pg-listener-" + settings.channel(), listener);
            notifierThread = daemon("parley-bus-pg-notifier-" + settings.channel(), notifier);
        }
    }

    /**
     * Queues a payload for every bus on the channel, this one included; never blocks. While the bus is not
     * connected (before {@link Receiver#onConnected()}, after {@link Receiver#onDisconnected}, after
     * {@link #close()}) or its queue is full, the payload is dropped and counted in {@link #dropped()}.
     *
     * @param payload at most {@link #maxPayloadBytes()} bytes in UTF-8
     * @throws NullPointerException if {@code payload} is null
     * @throws IllegalArgumentException if the payload is too long, holds a line feed or a NUL character (which
     *     PostgreSQL text cannot hold), or has an unpaired surrogate (which UTF-8 cannot encode)
     */
    @Override
    public void publish(String payload) {
        Objects.requireNonNull(payload, "payload == null");
        Payloads.validate(payload);
        outbox.offer(payload);
    }

    /**
     * The largest payload {@link #publish} accepts: 7,900 bytes in UTF-8, under PostgreSQL's limit of 8,000 bytes
     * per NOTIFY payload.
     *
     * @return 7,900
     */
    @Override
    public int maxPayloadBytes() {
        return Payloads.MAX_BYTES;
    }

    /**
     * Drops the current connections and connects again at once, as after a failure: the receiver hears
     * {@link Receiver#onDisconnected} ({@code "reconnect requested"}), then {@link Receiver#onConnected()}. Returns at
     * once; does nothing if the bus is not connected (it is reconnecting already), not started or closed.
     */
    @Override
    public void reconnect() {
        Listener current;
        synchronized (lifecycle) {
            current = closed ? null : listener;
        }
        if (current != null) {
            current.reconnect();
        }
    }

    /**
     * The number of payloads given up since the bus was built: published while not connected or with the queue
     * full, queued but not sent before the connection was lost, or in a send that failed.
     *
     * @return a count; it only grows
     */
    @Override
    public long dropped() {
        return outbox.dropped();
    }

    /**
     * Stops the threads, sends {@code UNLISTEN} and closes the connections; payloads still queued are dropped. Waits
     * for the listener to finish its poll in progress (at most the poll interval), at most the poll interval plus two
     * seconds in all, then closes the connections abruptly and returns (the daemon threads end with them). The receiver hears nothing more once this returns, and nothing
     * about the close itself. Idempotent; never throws.
     */
    @Override
    public void close() {
        Listener closingListener;
        Notifier closingNotifier;
        Thread closingListenerThread;
        Thread closingNotifierThread;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            if (!started) {
                return;
            }
            closingListener = listener;
            closingNotifier = notifier;
            closingListenerThread = listenerThread;
            closingNotifierThread = notifierThread;
        }
        closingNotifier.stop();
        closingNotifierThread.interrupt();
        closingListener.stop();
        if (closingListener.current() == null) {
            // Connecting or backing off: pgjdbc gives up a connection attempt (its loginTimeout wait) when
            // interrupted, instead of taking up to connectTimeout.
            closingListenerThread.interrupt();
        }
        join(closingNotifierThread, Duration.ofSeconds(1));
        if (!join(closingListenerThread, settings.pollInterval().plusSeconds(2))) {
            closingListener.abort();
            join(closingListenerThread, Duration.ofSeconds(1));
        }
    }

    /** How many round-trips have sent notifications; for tests. */
    long notifyRoundTrips() {
        Notifier current = notifier();
        return current == null ? 0 : current.roundTrips();
    }

    /** How many NOTIFY payloads have been sent; for tests. */
    long notificationsSent() {
        Notifier current = notifier();
        return current == null ? 0 : current.notifications();
    }

    private Notifier notifier() {
        synchronized (lifecycle) {
            return notifier;
        }
    }

    @Override
    public String toString() {
        return "PostgresBus[channel=" + settings.channel() + "]";
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Waits for a thread to end; true if it did. */
    private static boolean join(Thread thread, Duration timeout) {
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    /**
     * Builds a {@link PostgresBus}; from {@link PostgresBus#builder(String)}. Every setting has a default; all are
     * checked together by {@link #build()}. Not thread-safe; each {@link #build()} makes a new bus.
     */
    public static final class Builder {
        private final String jdbcUrl;
        private String user;
        private String password;
        private String channel = "parley";
        private Duration pollInterval = Duration.ofMillis(500);
        private Duration batchDelay = Duration.ofMillis(5);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private String applicationName = "parley-bus";
        private Duration minBackoff = Duration.ofMillis(50);
        private Duration maxBackoff = Duration.ofSeconds(2);
        private int maxQueuedPayloads = 10_000;

        private Builder(String jdbcUrl) {
            this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl == null");
        }

        /**
         * The database user; default: the URL's, else pgjdbc's default.
         *
         * @param user the user name
         * @return this
         * @throws NullPointerException if {@code user} is null
         */
        public Builder user(String user) {
            this.user = Objects.requireNonNull(user, "user == null");
            return this;
        }

        /**
         * The database password; default: the URL's, else none.
         *
         * @param password the password
         * @return this
         * @throws NullPointerException if {@code password} is null
         */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password == null");
            return this;
        }

        /**
         * The channel to listen and notify on; default {@code "parley"}. Buses on the same database and channel form
         * one bus. A plain identifier of at most 63 characters ({@code [A-Za-z_][A-Za-z0-9_]*}); case matters.
         *
         * @param channel the channel name
         * @return this
         * @throws NullPointerException if {@code channel} is null
         */
        public Builder channel(String channel) {
            this.channel = Objects.requireNonNull(channel, "channel == null");
            return this;
        }

        /**
         * How long one poll for notifications waits; default 500 ms, from 10 ms to 5 s. It bounds how long
         * {@link PostgresBus#close()} waits, and adds to the time a stalled connection takes to notice.
         *
         * @param interval the interval
         * @return this
         * @throws NullPointerException if {@code interval} is null
         */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = Objects.requireNonNull(interval, "interval == null");
            return this;
        }

        /**
         * How long the notifier waits after a lone payload for others to send with it; default 5 ms, from 0 to 1 s.
         * Latency against fewer NOTIFYs.
         *
         * @param delay the delay
         * @return this
         * @throws NullPointerException if {@code delay} is null
         */
        public Builder batchDelay(Duration delay) {
            this.batchDelay = Objects.requireNonNull(delay, "delay == null");
            return this;
        }

        /**
         * How long opening a connection may take; default 5 s, from 250 ms to 5 min. pgjdbc's {@code connectTimeout}
         * and {@code loginTimeout}, in whole seconds rounded up.
         *
         * @param timeout the timeout
         * @return this
         * @throws NullPointerException if {@code timeout} is null
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "timeout == null");
            return this;
        }

        /**
         * The {@code application_name} of both connections, as {@code pg_stat_activity} shows it; default
         * {@code "parley-bus"}. 1 to 63 printable ASCII characters.
         *
         * @param name the name
         * @return this
         * @throws NullPointerException if {@code name} is null
         */
        public Builder applicationName(String name) {
            this.applicationName = Objects.requireNonNull(name, "name == null");
            return this;
        }

        /**
         * The wait before reconnecting: {@code min} after the first failure, doubled after each further one up to
         * {@code max}, each wait shortened by a random part of up to half; default 50 ms to 2 s. {@code min} from
         * 1 ms to 1 min, {@code max} from {@code min} to 5 min. A reconnect asked for by
         * {@link PostgresBus#reconnect()} does not wait.
         *
         * @param min the first wait
         * @param max the longest wait
         * @return this
         * @throws NullPointerException if either is null
         */
        public Builder reconnectBackoff(Duration min, Duration max) {
            this.minBackoff = Objects.requireNonNull(min, "min == null");
            this.maxBackoff = Objects.requireNonNull(max, "max == null");
            return this;
        }

        /**
         * The most payloads queued for the notifier; further ones are dropped and counted; default 10,000, from 1 to
         * 10,000,000.
         *
         * @param max the queue's capacity
         * @return this
         */
        public Builder maxQueuedPayloads(int max) {
            this.maxQueuedPayloads = max;
            return this;
        }

        /**
         * Checks the settings and makes a bus; it connects at {@link PostgresBus#start}.
         *
         * @return a new, unstarted bus
         * @throws IllegalArgumentException naming the first setting out of range
         */
        public PostgresBus build() {
            return new PostgresBus(new Settings(jdbcUrl, user, password, channel, pollInterval, batchDelay,
                    connectTimeout, applicationName, minBackoff, maxBackoff, maxQueuedPayloads));
        }
    }
}
