package dev.parley.chat.core;

/**
 * A live subscription, from {@link ChatService#subscribe}. Closing it stops delivery: once {@link #close()} returns,
 * no new call to the listener starts (one already running on another thread may finish). Thread-safe; closing twice
 * is harmless.
 */
public interface Subscription extends AutoCloseable {
    /** Whether the subscription still delivers events. */
    boolean isActive();

    /** Stops delivery. Never throws. */
    @Override
    void close();
}
