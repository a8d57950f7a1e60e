package dev.parley.chat.core;

import java.time.Duration;

/**
 * Observes what the service does, with the durations only the service can measure: for metrics and tracing (for
 * example the Micrometer binders of {@code chat-micrometer}). Set one with {@link ChatService.Builder#observer};
 * the default observes nothing. Every method has a default that does nothing, so an implementation overrides only
 * what it needs, and methods added later do not break it (as OkHttp's {@code EventListener}).
 *
 * <p><b>Call points.</b> For one {@link ChatService#send} that stores its message (or finds it stored, for an
 * idempotent retry): {@link #messageCommitted}, then, if the fan-out threw, {@link #publishFailed}, then
 * {@link #messagePublished}, all on the sender's thread before {@code send} returns. A send that fails before
 * its commit (invalid, not a member, storage unavailable) calls nothing. {@link #publishFailed} is also called for
 * every other change (edit, delete, membership, typing) whose publication threw. Every {@link ChatService#login}
 * that gets past its argument checks ends with one {@link #loginFinished}, on the caller's thread, whatever its
 * outcome.
 *
 * <p><b>Durations</b> come from {@link System#nanoTime()}, not from the service's {@link java.time.Clock}: a clock
 * gives the time of day, which may jump (NTP corrections, a test's manual clock) and so cannot measure an interval.
 *
 * <p><b>Threads.</b> Methods are called concurrently from any thread that calls the service, so an implementation
 * must be thread-safe. They run inline on the caller's path: they must return quickly and never block (no I/O, no
 * locks held for long). An exception thrown here is logged and otherwise ignored: it never fails the call observed.
 */
public interface ChatObserver {
    /** An observer that observes nothing: the default. */
    ChatObserver NONE = new ChatObserver() {
    };

    /** How a {@link ChatService#login} ended. */
    enum LoginOutcome {
        /** Logged in: a session was created. */
        SUCCEEDED,
        /** Refused: unknown user or wrong password ({@link ErrorCode#INVALID_CREDENTIALS}). */
        INVALID_CREDENTIALS,
        /** Failed otherwise: the service was busy, closed, or its storage unavailable; no answer about the password. */
        FAILED
    }

    /**
     * A sent message is committed to the store.
     *
     * @param message the stored message (for an idempotent retry, the original one)
     * @param created {@code true} if this send stored it, {@code false} for an idempotent retry of a stored one
     * @param sendToCommit from the call to {@link ChatService#send} until the store returned
     */
    default void messageCommitted(Message message, boolean created, Duration sendToCommit) {
    }

    /**
     * The committed message was handed to the fan-out (which delivers it to this node's subscribers and, in a
     * cluster, to the bus).
     *
     * @param message the message
     * @param published {@code false} if the fan-out threw (subscribers then catch up from the store; see
     *     {@link #publishFailed})
     * @param commitToFanout from the commit until the fan-out's {@code publish} returned or threw
     */
    default void messagePublished(Message message, boolean published, Duration commitToFanout) {
    }

    /**
     * The fan-out threw while publishing a committed change. The change stays committed and the caller's call
     * succeeds; this node's subscribers of the room catch up from the store.
     *
     * @param event the change that was not published
     * @param failure what the fan-out threw
     */
    default void publishFailed(ChatEvent event, RuntimeException failure) {
    }

    /**
     * A login ended.
     *
     * @param outcome how it ended
     * @param duration from the call to {@link ChatService#login} until it returned or threw (password hashing,
     *     and waiting for a hashing thread, included)
     */
    default void loginFinished(LoginOutcome outcome, Duration duration) {
    }
}
