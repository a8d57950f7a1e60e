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

    /**
     * Called at most once, last, when the service ends the subscription because it cannot keep the stream
     * complete: a gap in the room's changes stayed unreadable past {@link ChatSettings#feedRepairTimeout()}. The
     * error's code is {@link ErrorCode#RESYNC_REQUIRED}; the client should subscribe live again, then reload the
     * room's history (see the error code). No event follows. Only ever called after
     * {@link ChatService#subscribe} has returned the subscription: a stream that cannot be kept complete while the
     * call is still running makes the call throw instead. Not called when the subscription is closed, when the
     * service closes or after the subscriber's own {@link ChatEvent.MemberLeft}. The default does nothing.
     *
     * @param error why the stream ended
     */
    default void onError(ChatException error) {
    }
}
