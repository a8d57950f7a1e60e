package dev.parley.chat.transport.websocket;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendResult;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * One socket's bounded outbound queue. {@link #offer} never blocks and never writes: it queues the frame and, if
 * the socket is idle, hands it to the {@link Flusher}, whose thread later calls {@link #flush}. A flush writes
 * everything queued (up to {@link #MAX_BATCH_BYTES}) in one non-blocking write of pre-built frames when the
 * container gives raw access ({@link RawFrames}), or the next frame with {@code sendText} otherwise. At most one
 * write per socket is in flight, so frames reach the wire in queue order; frames that arrive meanwhile wait and go
 * out together when it completes.
 *
 * <p>Live frames are counted against the limit; frames replayed by a resume are not (they are bounded by the
 * service's {@code maxReplay}). When a live frame finds the limit reached, {@link #offer} returns {@code false} and
 * the caller closes the socket as a slow consumer. A write that has not completed for longer than the send timeout
 * is reported by {@link #stalledSince}.
 */
final class Outbound {
    /** Largest single write when frames are coalesced; one larger frame is still written whole. */
    static final int MAX_BATCH_BYTES = 64 * 1024;

    private record Entry(OutFrame frame, boolean counted) {
    }

    private final RawFrames.Writer raw; // null: sendText
    private final RemoteEndpoint.Async remote;
    private final Flusher flusher;
    private final int limit;
    private final IntConsumer onSent;
    private final Consumer<Throwable> onFailed;

    /** One callback per socket rather than one per write: a write is allocation-free above the container. */
    private final Consumer<Throwable> written = failure -> completed(failure);
    private final Object lock = new Object();
    private final ArrayDeque<Entry> queue = new ArrayDeque<>(); // guarded by lock
    private int counted; // live frames in queue; guarded by lock
    private int inFlightFrames; // frames of the write in flight, 0 if none; guarded by lock
    private long inFlightSince; // nanoTime the write started; guarded by lock
    private boolean scheduled; // submitted to the flusher, flush not yet run; guarded by lock
    private boolean closed; // guarded by lock

    /**
     * @param raw the raw writer, or {@code null} to send with {@code remote.sendText}
     * @param onSent told how many frames a completed write carried
     */
    Outbound(RawFrames.Writer raw, RemoteEndpoint.Async remote, Flusher flusher, int limit,
            IntConsumer onSent, Consumer<Throwable> onFailed) {
        this.raw = raw;
        this.remote = remote;
        this.flusher = flusher;
        this.limit = limit;
        this.onSent = onSent;
        this.onFailed = onFailed;
    }

    /**
     * Queues a frame.
     *
     * @param frame the frame
     * @param live whether it counts against the limit
     * @return {@code false} if a live frame would exceed the limit (nothing was queued); {@code true} otherwise,
     *     also after {@link #close()} (the frame is dropped silently)
     */
    boolean offer(OutFrame frame, boolean live) {
        boolean submit;
        synchronized (lock) {
            if (closed) {
                return true;
            }
            if (live && counted >= limit) {
                return false;
            }
            queue.add(new Entry(frame, live));
            if (live) {
                counted++;
            }
            submit = !scheduled && inFlightFrames == 0;
            if (submit) {
                scheduled = true;
            }
        }
        if (submit) {
            flusher.submit(this);
        }
        return true;
    }

    /** Frames waiting (not yet handed to the container). */
    int size() {
        synchronized (lock) {
            return queue.size();
        }
    }

    /** The {@code System.nanoTime()} at which the write in flight started, or {@code -1} if none is. */
    long stalledSince() {
        synchronized (lock) {
            return inFlightFrames == 0 ? -1 : inFlightSince;
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

    /** Writes what is queued. Runs on the flusher's thread only. */
    void flush() {
        OutFrame single = null;
        OutFrame[] batch = null;
        int n;
        int bytes = 0;
        synchronized (lock) {
            scheduled = false;
            if (closed || inFlightFrames != 0 || queue.isEmpty()) {
                return;
            }
            if (raw == null || queue.size() == 1) {
                n = 1;
                single = take();
            } else {
                batch = new OutFrame[queue.size()];
                n = 0;
                while (!queue.isEmpty() && (n == 0 || bytes + queue.peek().frame.wire().length <= MAX_BATCH_BYTES)) {
                    OutFrame f = take();
                    bytes += f.wire().length;
                    batch[n++] = f;
                }
            }
            inFlightFrames = n;
            inFlightSince = System.nanoTime();
        }
        try {
            if (raw == null) {
                remote.sendText(single.text, this::completed);
            } else {
                ByteBuffer buffer = single != null ? ByteBuffer.wrap(single.wire()) : concat(batch, n, bytes);
                raw.write(buffer, written);
            }
        } catch (RuntimeException e) { // IllegalStateException: the session closed under us
            synchronized (lock) {
                inFlightFrames = 0;
            }
            fail(e);
        }
    }

    private OutFrame take() {
        Entry e = queue.poll();
        if (e.counted) {
            counted--;
        }
        return e.frame;
    }

    private static ByteBuffer concat(OutFrame[] frames, int n, int bytes) {
        byte[] all = new byte[bytes];
        int at = 0;
        for (int i = 0; i < n; i++) {
            byte[] w = frames[i].wire();
            System.arraycopy(w, 0, all, at, w.length);
            at += w.length;
        }
        return ByteBuffer.wrap(all);
    }

    private void completed(SendResult result) {
        completed(result.isOK() ? null : result.getException());
    }

    private void completed(Throwable failure) {
        int sent;
        boolean submit;
        synchronized (lock) {
            sent = inFlightFrames;
            inFlightFrames = 0;
            submit = failure == null && !closed && !scheduled && !queue.isEmpty();
            if (submit) {
                scheduled = true;
            }
        }
        if (failure != null) {
            fail(failure);
            return;
        }
        onSent.accept(sent);
        if (submit) {
            flusher.submit(this);
        }
    }

    private void fail(Throwable failure) {
        synchronized (lock) {
            closed = true;
            queue.clear();
            counted = 0;
        }
        onFailed.accept(failure);
    }
}
