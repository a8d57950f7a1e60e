package dev.parley.chat.core.spi;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.Subscription;

/**
 * Carries live events from the node that produced them to every node with subscribers to the room. It is a
 * <em>hint</em>, not the truth: an implementation may drop, duplicate or reorder events (a cross-node bus will), and
 * subscribers repair gaps from the stores, reading by change number. What it must not do is block a publisher on a
 * slow listener.
 *
 * <p>Besides room events a fan-out carries {@link Notice notices} between the services of a cluster (a logout, a
 * new membership, presence). A single node uses {@link dev.parley.chat.core.memory.InProcessFanout}; several nodes use
 * {@link dev.parley.chat.core.cluster.ClusterFanout} over a {@link Bus}.
 *
 * <p>Thread-safe. Implementations holding threads or connections release them in {@link #close()}.
 */
public interface Fanout extends AutoCloseable {
    /**
     * This node's id: unique among the nodes sharing the bus, and new for every process (a restarted node is a new
     * node, so that rows a crashed process left behind expire on their own).
     *
     * @return the id, at most 64 characters of {@code [A-Za-z0-9._-]}
     */
    String nodeId();

    /**
     * Publishes an event to the room's listeners on every node, this one included. Called after the event's
     * effect is committed. Must not block for long; may deliver synchronously on the calling thread.
     *
     * <p>May throw: the service catches, logs and counts any exception, and the call that committed the change
     * still succeeds. The event's subscribers on this node are then repaired from the store, and other nodes repair
     * it when they next check their position.
     *
     * @param event the event
     */
    void publish(ChatEvent event);

    /**
     * Registers a listener for one room's events on this node.
     *
     * @param roomId the room's id
     * @param listener called for each event, possibly concurrently from several threads; must not block
     * @return the registration; closing it stops delivery
     */
    Subscription subscribe(long roomId, Listener listener);

    /**
     * Publishes a notice to the notice listeners of every node, this one included; this node's listeners may be
     * called synchronously on the calling thread. Never blocks for long; may throw like {@link #publish(ChatEvent)},
     * and the service then logs it.
     *
     * @param notice the notice
     */
    void publish(Notice notice);

    /**
     * Registers a listener for notices on this node.
     *
     * @param listener called for each notice, possibly concurrently from several threads; must not block
     * @return the registration; closing it stops delivery
     */
    Subscription subscribeNotices(NoticeListener listener);

    /** Stops delivery and releases resources. */
    @Override
    void close();

    /**
     * Receives one room's events from a {@link Fanout}. Both methods must return quickly and never block (the
     * service's own listener only enqueues), and may be called from any thread.
     */
    @FunctionalInterface
    interface Listener {
        /**
         * An event of the room, in no guaranteed order; possibly a duplicate.
         *
         * @param event the event
         */
        void onEvent(ChatEvent event);

        /**
         * The room has reached at least this change on some node, but the event itself did not travel (a bus that
         * carries positions only): the listener reads what it is missing from the store. The default treats it as
         * {@link #onPossibleLoss()}.
         *
         * @param change a change number the room has reached
         */
        default void onHint(long change) {
            onPossibleLoss();
        }

        /**
         * Events of the room may have been lost (a bus reconnected, a receive queue overflowed): the listener
         * re-checks its position against the store and catches up. The default does nothing.
         */
        default void onPossibleLoss() {
        }
    }

    /** Receives {@link Notice notices} from a {@link Fanout}; must return quickly and never block. */
    @FunctionalInterface
    interface NoticeListener {
        /**
         * A notice, from any node including this one; possibly a duplicate, in no guaranteed order across nodes.
         *
         * @param notice the notice
         */
        void onNotice(Notice notice);

        /**
         * Notices may have been lost (the bus reconnected, a node came back): the listener reconciles what it can,
         * such as presence, from the shared registry. The default does nothing.
         */
        default void onPossibleLoss() {
        }
    }
}
