package dev.parley.chat.core.spi;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.Subscription;
import java.util.function.Consumer;

/**
 * Carries live events from the node that produced them to every node with subscribers to the room. It is a
 * <em>hint</em>, not the truth: an implementation may drop, duplicate or reorder events (a cross-node bus will), and
 * subscribers repair gaps from the {@link MessageStore}. What it must not do is block a publisher on a slow
 * listener.
 *
 * <p>Thread-safe. Implementations holding threads or connections release them in {@link #close()}.
 */
public interface Fanout extends AutoCloseable {
    /**
     * Publishes an event to the room's listeners on every node, this one included. Called after the event's
     * effect is committed. Must not block for long; may deliver synchronously on the calling thread.
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
    Subscription subscribe(long roomId, Consumer<ChatEvent> listener);

    /** Stops delivery and releases resources. */
    @Override
    void close();
}
