package dev.parley.chat.transport.websocket.internal;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * One socket's bounded outbound queue, drained one frame at a time with the asynchronous remote: the next frame is
 * handed to the container only when the previous one completed, so a container never sees overlapping sends and
 * no caller ever waits for the network. {@link #offer} never blocks and never runs I/O beyond handing a frame to
 * the container's non-blocking {@code sendText}.
 *
 * <p>Live frames are counted against the limit; frames replayed by a resume are not (they are bounded by the
 * service's {@code maxReplay}). When a live frame finds the limit reached, {@link #offer} returns {@code false} and
 * the caller closes the socket as a slow consumer.
 *
 * <p>Completion handlers may run on the thread that called {@code sendText} (an immediate write): the drain loop
 * detects that and continues iteratively instead of recursing, so a long queue cannot overflow the stack.
 */
final class Outbound {
    private record Entry(String text, boolean counted) {
    }

    private final RemoteEndpoint.Async remote;
    private final int limit;
    private final Runnable onSent;
    private final Consumer<Throwable> onFailed;
    private final SendHandler handler = this::completed;

    private final Object lock = new Object();
    private final ArrayDeque<Entry> queue = new ArrayDeque<>(); // guarded by lock
    private int counted; // live frames in queue; guarded by lock
    private boolean inFlight; // guarded by lock
    private boolean pumping; // a drain loop is running; guarded by lock
    private boolean closed; // guarded by lock

    Outbound(RemoteEndpoint.Async remote, int limit, Runnable onSent, Consumer<Throwable> onFailed) {
        this.remote = remote;
        this.limit = limit;
        this.onSent = onSent;
        this.onFailed = onFailed;
    }

    /**
     * Queues a frame.
     *
     * @param text the frame
     * @param live whether it counts against the limit
     * @return {@code false} if a live frame would exceed the limit (nothing was queued); {@code true} otherwise,
     *     also after {@link #close()} (the frame is dropped silently)
     */
    boolean offer(String text, boolean live) {
        synchronized (lock) {
            if (closed) {
                return true;
            }
            if (live && counted >= limit) {
                return false;
            }
            queue.add(new Entry(text, live));
            if (live) {
                counted++;
            }
        }
        pump();
        return true;
    }

    /** Frames waiting (not yet handed to the container). */
    int size() {
        synchronized (lock) {
            return queue.size();
        }
    }

    /** Drops everything queued and refuses further frames. */
    void close() {
        synchronized (lock) {
            closed = true;
            queue.clear();
            counted = 0;
        }
    }

    private void pump() {
        synchronized (lock) {
            if (pumping || inFlight || closed) {
                return;
            }
            pumping = true;
        }
        for (;;) {
            Entry next;
            synchronized (lock) {
                if (inFlight || closed || (next = queue.poll()) == null) {
                    pumping = false;
                    return;
                }
                if (next.counted) {
                    counted--;
                }
                inFlight = true;
            }
            try {
                remote.sendText(next.text, handler);
            } catch (RuntimeException e) { // IllegalStateException: the session closed under us
                synchronized (lock) {
                    inFlight = false;
                    pumping = false;
                    closed = true;
                    queue.clear();
                }
                onFailed.accept(e);
                return;
            }
        }
    }

    private void completed(SendResult result) {
        synchronized (lock) {
            inFlight = false;
        }
        if (result.isOK()) {
            onSent.run();
            pump();
        } else {
            synchronized (lock) {
                closed = true;
                queue.clear();
            }
            onFailed.accept(result.getException());
        }
    }
}
