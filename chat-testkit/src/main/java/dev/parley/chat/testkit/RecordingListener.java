package dev.parley.chat.testkit;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ChatListener;
import dev.parley.chat.core.spi.Fanout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A fan-out or subscription listener that records what it receives and lets a test wait, with a bound, for
 * deliveries that may arrive asynchronously. As a {@link ChatListener} it also records the errors that end a
 * subscription. Thread-safe: {@link #accept} may be called from any number of threads at once.
 */
public final class RecordingListener implements Consumer<ChatEvent>, Fanout.Listener, ChatListener {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<ChatEvent> events = new ArrayList<>();
    private final List<ChatException> errors = new ArrayList<>();
    private final List<Long> hints = new ArrayList<>();

    /** Creates a listener that has received nothing. */
    public RecordingListener() {
    }

    @Override
    public void onEvent(ChatEvent event) {
        accept(event);
    }

    /**
     * Records an event.
     *
     * @param event the event
     */
    @Override
    public void accept(ChatEvent event) {
        add(events, event);
    }

    /**
     * Records a hint from a fan-out that carries positions only (instead of treating it as a possible loss).
     *
     * @param change the change the room has reached
     */
    @Override
    public void onHint(long change) {
        add(hints, change);
    }

    /**
     * The hints received so far through {@link #onHint}.
     *
     * @return a copy, in the order received
     */
    public List<Long> hints() {
        lock.lock();
        try {
            return List.copyOf(hints);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the room's change {@code change} has reached this listener, as the event itself or as a hint of
     * that change or a later one.
     *
     * @param change the change number
     * @param timeout the longest wait
     * @throws AssertionError if it has not arrived in time
     */
    public void awaitChangeOrHint(long change, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            lock.lock();
            try {
                boolean seen = hints.stream().anyMatch(h -> h >= change) || events.stream()
                        .anyMatch(e -> e instanceof ChatEvent.RoomChange c && c.change() == change);
                if (seen) {
                    return;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("change " + change + " did not arrive within " + timeout
                            + "; events " + events + ", hints " + hints);
                }
                changed.awaitNanos(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Records an error that ended a subscription.
     *
     * @param error the error
     */
    @Override
    public void onError(ChatException error) {
        add(errors, error);
    }

    /**
     * The errors received so far through {@link #onError}.
     *
     * @return a copy of the errors, in the order received
     */
    public List<ChatException> errors() {
        return copy(errors);
    }

    /**
     * What was received so far.
     *
     * @return a copy of the events, in the order received
     */
    public List<ChatEvent> events() {
        return copy(events);
    }

    private <T> void add(List<T> list, T item) {
        lock.lock();
        try {
            list.add(item);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private <T> List<T> copy(List<T> list) {
        lock.lock();
        try {
            return List.copyOf(list);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the events received satisfy a condition.
     *
     * @param condition tested against a copy of all events received so far
     * @param timeout the longest wait
     * @param description what is awaited, for the failure message
     * @return the events received when the condition first held
     * @throws AssertionError if it does not hold within the timeout
     */
    public List<ChatEvent> await(Predicate<List<ChatEvent>> condition, Duration timeout, String description) {
        Objects.requireNonNull(condition, "condition == null");
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                List<ChatEvent> now = List.copyOf(events);
                if (condition.test(now)) {
                    return now;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("timed out after " + timeout + " waiting for " + description
                            + "; received " + now);
                }
                changed.await(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + description, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until an event equal to the given one was received.
     *
     * @param expected the event
     * @param timeout the longest wait
     * @return the events received by then
     * @throws AssertionError if it does not arrive within the timeout
     */
    public List<ChatEvent> awaitEvent(ChatEvent expected, Duration timeout) {
        return await(list -> list.contains(expected), timeout, String.valueOf(expected));
    }

    /**
     * Waits until every one of the given events was received (in any order, duplicates allowed).
     *
     * @param expected the events
     * @param timeout the longest wait
     * @return the events received by then
     * @throws AssertionError if they do not all arrive within the timeout
     */
    public List<ChatEvent> awaitAll(List<? extends ChatEvent> expected, Duration timeout) {
        return await(list -> list.containsAll(expected), timeout, expected.size() + " events");
    }

    /**
     * Waits for a while and checks that nothing matching a condition arrived meanwhile (or before).
     *
     * @param unwanted the events that must not be received
     * @param period how long to watch; keep it short (a few hundred milliseconds)
     * @throws AssertionError if such an event was received
     */
    public void assertNoneFor(Predicate<ChatEvent> unwanted, Duration period) {
        long deadline = System.nanoTime() + period.toNanos();
        lock.lock();
        try {
            while (true) {
                for (ChatEvent e : events) {
                    if (unwanted.test(e)) {
                        throw new AssertionError("unexpectedly received " + e);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                changed.await(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for a while and checks that nothing at all was received.
     *
     * @param period how long to watch
     * @throws AssertionError if an event was received
     */
    public void assertNothingFor(Duration period) {
        assertNoneFor(e -> true, period);
    }
}
