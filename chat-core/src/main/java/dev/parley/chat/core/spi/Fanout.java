package dev.parley.chat.core.spi;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.Subscription;

/**
 * Carries live events from the node that produced them to every node with subscribers to the room. It is a
 * <em>hint</em>, not the truth: an implementation may drop, duplicate or reorder events (a cross-node bus will), and
 * subscribers repair gaps from the stores, reading by change number. What it must not do is block a publisher on a
 * slow listener.
 *
 * <p>Thread-safe. Implementations holding threads or connections release them in {@link #close()}.
 */
public interface Fanout extends AutoCloseable {
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
         * Events of the room may have been lost (a bus reconnected, a receive queue overflowed): the listener
         * re-checks its position against the store and catches up. The default does nothing.
         */
        default void onPossibleLoss() {
        }
    }
}
