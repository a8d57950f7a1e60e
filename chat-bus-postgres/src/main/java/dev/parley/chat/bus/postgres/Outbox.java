package dev.parley.chat.bus.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The payloads waiting for the notifier thread, and the count of those given up. Accepts payloads only while open
 * (the bus is connected); bounded. Thread-safe.
 */
final class Outbox {
    private final BlockingQueue<String> queue;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean open;

    Outbox(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /** Queues a payload, or counts it as dropped if the outbox is closed or full. Never blocks. */
    void offer(String payload) {
        if (!open || !queue.offer(payload)) {
            dropped.incrementAndGet();
        }
    }

    /** Starts accepting payloads (the bus is subscribed). */
    void open() {
        open = true;
    }

    /** Stops accepting payloads and drops those waiting (the connection is gone: they could not be sent). */
    void shut() {
        open = false;
        List<String> waiting = new ArrayList<>();
        queue.drainTo(waiting);
        drop(waiting.size());
    }

    /**
     * Waits up to {@code timeoutNanos} for a payload, then waits {@code lingerNanos} more if it came alone (so that
     * payloads published close together share a NOTIFY), and takes up to {@code max} of those waiting, in order.
     *
     * @return the payloads, empty if none came in time
     * @throws InterruptedException if interrupted while waiting
     */
    List<String> take(long timeoutNanos, long lingerNanos, int max) throws InterruptedException {
        String first = queue.poll(timeoutNanos, TimeUnit.NANOSECONDS);
        if (first == null) {
            return List.of();
        }
        if (lingerNanos > 0 && queue.isEmpty()) {
            TimeUnit.NANOSECONDS.sleep(lingerNanos);
        }
        List<String> batch = new ArrayList<>();
        batch.add(first);
        queue.drainTo(batch, max - 1);
        return batch;
    }

    /** Counts payloads as dropped. */
    void drop(int count) {
        dropped.addAndGet(count);
    }

    long dropped() {
        return dropped.get();
    }
}
