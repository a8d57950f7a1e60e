package dev.parley.chat.core.spi;

/**
 * A message bus between server nodes, as {@code ClusterFanout} uses it: it moves small
 * text payloads from one node to every node subscribed to the same bus, the sender included. At most once: a
 * payload may be lost (while a connection is down, when a queue overflows, after a failover), but never altered.
 * Order between payloads of one sender is kept while the connection stays up. Nothing is replayed after a
 * reconnect: the cluster fan-out repairs from the stores, which are the truth.
 *
 * <p>Implementations (PostgreSQL {@code LISTEN/NOTIFY} in {@code chat-bus-postgres}, Redis pub/sub in
 * {@code chat-bus-redis}) subscribe once, to one channel, and reconnect by themselves. Thread-safe.
 */
public interface Bus extends AutoCloseable {
    /**
     * Connects and subscribes, in the background: returns at once. The receiver learns of the subscription through
     * {@link Receiver#onConnected()}, then of every payload, loss of connection and reconnection. Called once.
     *
     * @param receiver where payloads and connection changes go
     * @throws IllegalStateException if already started or closed
     */
    void start(Receiver receiver);

    /**
     * Sends one payload to every node's receiver, this node's included. Never blocks for long: an implementation
     * may batch payloads, and drops them (counting them in {@link #dropped()}) when it cannot send, for example
     * while disconnected.
     *
     * @param payload at most {@link #maxPayloadBytes()} bytes in UTF-8; no line feed ({@code '\n'})
     * @throws IllegalArgumentException if the payload is too long, holds a line feed, or cannot travel unaltered on
     *     this bus (an unpaired surrogate, which UTF-8 cannot encode; a NUL, which PostgreSQL text cannot hold)
     */
    void publish(String payload);

    /**
     * The largest payload {@link #publish} accepts, in UTF-8 bytes.
     *
     * @return the limit, at least 1,000
     */
    int maxPayloadBytes();

    /**
     * Drops the current connection and connects again, as after a failure: used when the bus looks connected but
     * delivers nothing (a probe sent to oneself never came back). The receiver sees {@link Receiver#onDisconnected}
     * then, once subscribed again, {@link Receiver#onConnected()}. Never blocks for long.
     */
    void reconnect();

    /**
     * The number of payloads dropped by {@link #publish} since start.
     *
     * @return a count
     */
    long dropped();

    /** Unsubscribes, stops the bus's threads and closes its connections. Idempotent. */
    @Override
    void close();

    /**
     * Receives from a {@link Bus}. Every method must return quickly and never block: it is called on the bus's own
     * thread (a listener connection's poll loop, a Netty event loop). Calls never overlap.
     */
    interface Receiver {
        /**
         * One payload, from any node including this one.
         *
         * @param payload the payload as published
         */
        void onMessage(String payload);

        /**
         * The subscription is confirmed and the bus can publish: payloads published from now on, by this node or
         * another, reach this node. Called after start and after every reconnection; anything published while
         * disconnected was lost.
         */
        void onConnected();

        /**
         * The connection was lost or dropped; the bus is reconnecting.
         *
         * @param reason why, for the logs
         */
        void onDisconnected(String reason);
    }
}
