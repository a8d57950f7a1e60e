package dev.parley.chat.transport.websocket;

import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The thread that writes queued frames to sockets. Publishers only queue frames and mark the socket's
 * {@link Outbound} ready; this thread takes ready sockets in turn and hands each one everything it has queued in
 * one write. While it works through a large room, new frames pile up behind the sockets it has not reached yet, so
 * the busier the node the more frames share a system call (the same self-tuning batching as a group commit), and
 * an idle node writes each frame at once.
 */
final class Flusher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Flusher.class.getName());

    private final ConcurrentLinkedQueue<Outbound> ready = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean waiting;
    private volatile boolean stopped;

    Flusher(String name) {
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a socket for writing. Called at most once per socket until {@link Outbound#flush} runs. */
    void submit(Outbound out) {
        ready.offer(out);
        if (waiting) {
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        while (!stopped) {
            Outbound out = ready.poll();
            if (out == null) {
                waiting = true;
                // Re-check after announcing: a submit that missed `waiting` has already queued its socket.
                if (ready.isEmpty() && !stopped) {
                    LockSupport.park(this);
                }
                waiting = false;
                continue;
            }
            try {
                out.flush();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.ERROR, "writing to a socket failed unexpectedly", e);
            }
        }
    }

    /** Stops the thread; frames still queued are dropped (their sockets are being closed). */
    @Override
    public void close() {
        stopped = true;
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
