package dev.parley.chat.core;

/**
 * Receives a room's live events from {@link ChatService#subscribe}.
 *
 * <p>Calls for one subscription never overlap, but may come from different threads, including the thread of the
 * user who sent the message. An implementation must therefore return quickly and never block: hand the event to a
 * queue or an asynchronous send. An exception thrown here is logged and ends that subscription only.
 */
@FunctionalInterface
public interface ChatListener {
    /**
     * Called once per event, in order.
     *
     * @param event the event; never {@code null}
     */
    void onEvent(ChatEvent event);
}
