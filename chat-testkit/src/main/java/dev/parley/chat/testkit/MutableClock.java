package dev.parley.chat.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A {@link Clock} that stands still until a test moves it, for expiry tests without sleeping. Thread-safe.
 */
public final class MutableClock extends Clock {
    private volatile Instant now;

    /**
     * @param start the initial instant
     */
    public MutableClock(Instant start) {
        this.now = Objects.requireNonNull(start, "start == null");
    }

    /**
     * Moves the clock forward (or back, with a negative duration).
     *
     * @param duration how far
     */
    public synchronized void advance(Duration duration) {
        now = now.plus(duration);
    }

    /**
     * Sets the clock.
     *
     * @param instant the new time
     */
    public void set(Instant instant) {
        now = Objects.requireNonNull(instant, "instant == null");
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("MutableClock is always UTC");
    }

    @Override
    public Instant instant() {
        return now;
    }
}
