package dev.parley.chat.bus.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One connection cycle: the listener connection (LISTEN, polled by the listener thread) and the notifier connection
 * (pg_notify, used by the notifier thread), opened together and given up together. The listener thread opens and
 * closes it; any thread may {@link #fail} it, which aborts the listener connection so that a poll in progress ends at
 * once. Thread-safe.
 */
final class Session {
    private static final long IDLE = Long.MIN_VALUE; // System.nanoTime() may be 0 or negative

    final Connection listen;
    final Connection notify;
    private final AtomicReference<String> failure = new AtomicReference<>();
    /** When the blocking call in progress on each connection began (System.nanoTime), or IDLE. */
    private volatile long listenBusySince = IDLE;
    private volatile long notifyBusySince = IDLE;

    Session(Connection listen, Connection notify) {
        this.listen = listen;
        this.notify = notify;
    }

    /**
     * Gives the session up: the first reason wins; the listener connection is aborted (its socket closed), so the
     * listener thread notices at once.
     */
    void fail(String reason) {
        if (failure.compareAndSet(null, reason)) {
            abort(listen);
        }
    }

    /** Why the session was given up, or {@code null} if it was not. */
    String failure() {
        return failure.get();
    }

    boolean failed() {
        return failure.get() != null;
    }

    void listenBusy(boolean busy) {
        listenBusySince = busy ? System.nanoTime() : IDLE;
    }

    void notifyBusy(boolean busy) {
        notifyBusySince = busy ? System.nanoTime() : IDLE;
    }

    /** How long the listener connection's call in progress has been blocked, in nanoseconds (0 when idle). */
    long listenBusyNanos() {
        return busyNanos(listenBusySince);
    }

    /** How long the notifier connection's call in progress has been blocked, in nanoseconds (0 when idle). */
    long notifyBusyNanos() {
        return busyNanos(notifyBusySince);
    }

    private static long busyNanos(long since) {
        return since == IDLE ? 0 : System.nanoTime() - since;
    }

    /** Closes both connections at once, without a goodbye to the server; a call blocked on either fails. */
    void abort() {
        abort(listen);
        abort(notify);
    }

    static void abort(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            // Broken either way.
        }
    }
}
