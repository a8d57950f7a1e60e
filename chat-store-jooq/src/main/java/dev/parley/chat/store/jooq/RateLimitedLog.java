package dev.parley.chat.store.jooq;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A log line that repeats during an outage (every failed write says the same thing) is written at most once per
 * interval; the next one that is written says how many were left out. Thread-safe.
 */
final class RateLimitedLog {
    private final System.Logger logger;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private boolean logged;
    private long lastLoggedAt;
    private long suppressed;

    RateLimitedLog(System.Logger logger, Duration interval) {
        this(logger, interval, System::nanoTime);
    }

    RateLimitedLog(System.Logger logger, Duration interval, LongSupplier nanoTime) {
        this.logger = logger;
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * Logs unless another line was logged less than the interval ago.
     *
     * @param thrown attached with its stack trace, or {@code null} for none (an expected failure, such as an outage)
     */
    void log(System.Logger.Level level, String message, Throwable thrown) {
        if (!logger.isLoggable(level)) {
            return;
        }
        long left;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            if (logged && now - lastLoggedAt < intervalNanos) {
                suppressed++;
                return;
            }
            logged = true;
            lastLoggedAt = now;
            left = suppressed;
            suppressed = 0;
        }
        String text = left == 0 ? message
                : message + " (" + left + " similar messages left out since the last one)";
        if (thrown == null) {
            logger.log(level, text);
        } else {
            logger.log(level, text, thrown);
        }
    }
}
