package dev.parley.chat.core;

/**
 * A live subscription, from {@link ChatService#subscribe}. Closing it stops delivery; after {@link #close()}
 * returns, the listener receives no further calls. Thread-safe; closing twice is harmless.
 */
public interface Subscription extends AutoCloseable {
    /** Whether the subscription still delivers events. */
    boolean isActive();

    /** Stops delivery. Never throws. */
    @Override
    void close();
}
