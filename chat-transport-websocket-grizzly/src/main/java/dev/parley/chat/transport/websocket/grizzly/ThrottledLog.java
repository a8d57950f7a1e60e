package dev.parley.chat.transport.websocket.grizzly;

import java.time.Duration;
import java.util.Objects;

/**
 * Logs one kind of event at most once per interval, so that a client that repeats bad input cannot flood the log:
 * the first event of an interval is logged at once, the others are only counted, and the count is appended to the
 * next line logged. Never logs a stack trace. Thread-safe.
 */
final class ThrottledLog {
    private final System.Logger logger;
    private final System.Logger.Level level;
    private final long intervalNanos;
    private boolean started; // guarded by this
    private long quietUntil; // System.nanoTime(); guarded by this
    private long held; // events not logged since the last line; guarded by this

    /**
     * @param logger where to log
     * @param level the level of every line
     * @param interval at most one line per interval
     */
    ThrottledLog(System.Logger logger, System.Logger.Level level, Duration interval) {
        this.logger = Objects.requireNonNull(logger, "logger");
        this.level = Objects.requireNonNull(level, "level");
        this.intervalNanos = interval.toNanos();
    }

    /**
     * Logs the line unless one was logged less than an interval ago; then only counts it.
     *
     * @param line the event, one line
     */
    void log(String line) {
        long heldBefore;
        synchronized (this) {
            long now = System.nanoTime();
            if (started && now - quietUntil < 0) {
                held++;
                return;
            }
            started = true;
            quietUntil = now + intervalNanos;
            heldBefore = held;
            held = 0;
        }
        logger.log(level, heldBefore == 0 ? line : line + " (and " + heldBefore + " more not logged since the last)");
    }
}
