package dev.parley.chat.bus.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.core.spi.Bus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/** Records what a bus tells its receiver, and checks that its calls never overlap. */
final class RecordingReceiver implements Bus.Receiver {
    private final List<String> messages = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final AtomicBoolean inCall = new AtomicBoolean();
    private volatile boolean overlapped;

    @Override
    public void onMessage(String payload) {
        record(messages, payload);
    }

    @Override
    public void onConnected() {
        record(events, "connected");
    }

    @Override
    public void onDisconnected(String reason) {
        record(events, "disconnected: " + reason);
    }

    private void record(List<String> list, String entry) {
        if (!inCall.compareAndSet(false, true)) {
            overlapped = true;
        }
        try {
            synchronized (this) {
                list.add(entry);
            }
        } finally {
            inCall.set(false);
        }
    }

    synchronized List<String> messages() {
        return new ArrayList<>(messages);
    }

    /** "connected" and "disconnected: reason" in the order they came. */
    synchronized List<String> events() {
        return new ArrayList<>(events);
    }

    synchronized long count(String eventPrefix) {
        return events.stream().filter(e -> e.startsWith(eventPrefix)).count();
    }

    /** The messages that start with {@code prefix}, in the order they came. */
    synchronized List<String> messagesFrom(String prefix) {
        return messages.stream().filter(m -> m.startsWith(prefix)).toList();
    }

    /** Waits for the {@code n}th "connected" (counting from 1). */
    void awaitConnected(int n, Duration timeout) {
        await(timeout, () -> count("connected") >= n, "connected #" + n);
    }

    void awaitDisconnected(int n, Duration timeout) {
        await(timeout, () -> count("disconnected") >= n, "disconnected #" + n);
    }

    void awaitMessages(int n, Duration timeout) {
        await(timeout, () -> messages().size() >= n, n + " messages");
    }

    void assertNoOverlap() {
        assertThat(overlapped).as("receiver calls overlapped").isFalse();
    }

    static void await(Duration timeout, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
