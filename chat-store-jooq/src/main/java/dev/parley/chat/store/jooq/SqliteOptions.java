package dev.parley.chat.store.jooq;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning for the SQLite backend. Package-private: the public API sets {@link #synchronousFull} and uses {@link #DEFAULTS}
 * for the rest; tests shorten the timeouts.
 *
 * @param busyTimeout how long a connection waits for a lock held by another connection or process before the
 *     operation fails with {@code STORAGE_UNAVAILABLE}
 * @param readConnections the size of the read-only connection pool
 * @param maxBatch the most writes committed in one transaction (group commit)
 * @param maxQueued the most writes waiting for the writer; more fail fast with {@code STORAGE_UNAVAILABLE}
 * @param writeTimeout how long a caller waits for a queued write before giving up with {@code STORAGE_UNAVAILABLE}
 *     (only if the write has not started; a started write is always awaited, so the answer is never a lie)
 * @param synchronousFull {@code PRAGMA synchronous=FULL} on the writer (every commit is on disk before it is
 *     acknowledged) instead of {@code NORMAL} (a power loss may roll back the last commits)
 */
record SqliteOptions(Duration busyTimeout, int readConnections, int maxBatch, int maxQueued,
        Duration writeTimeout, boolean synchronousFull) {
    /** The defaults: 5 s busy timeout, 4 readers, batches of up to 256, 10,000 queued writes, 30 s wait, NORMAL. */
    static final SqliteOptions DEFAULTS =
            new SqliteOptions(Duration.ofSeconds(5), 4, 256, 10_000, Duration.ofSeconds(30), false);

    /** Validates the components. */
    SqliteOptions {
        Objects.requireNonNull(busyTimeout, "busyTimeout == null");
        Objects.requireNonNull(writeTimeout, "writeTimeout == null");
        if (readConnections < 1 || maxBatch < 1 || maxQueued < 1) {
            throw new IllegalArgumentException("readConnections, maxBatch and maxQueued must be >= 1");
        }
    }

    /** A copy with another busy timeout. */
    SqliteOptions withBusyTimeout(Duration timeout) {
        return new SqliteOptions(timeout, readConnections, maxBatch, maxQueued, writeTimeout, synchronousFull);
    }

    /** A copy with another write timeout. */
    SqliteOptions withWriteTimeout(Duration timeout) {
        return new SqliteOptions(busyTimeout, readConnections, maxBatch, maxQueued, timeout, synchronousFull);
    }

    /** A copy with {@code synchronous=FULL} ({@code true}) or {@code NORMAL}. */
    SqliteOptions withSynchronousFull(boolean full) {
        return new SqliteOptions(busyTimeout, readConnections, maxBatch, maxQueued, writeTimeout, full);
    }
}
