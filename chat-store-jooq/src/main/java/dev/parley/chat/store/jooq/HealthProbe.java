package dev.parley.chat.store.jooq;

import static dev.parley.chat.store.jooq.internal.generated.Tables.HEALTH_PROBE;

import dev.parley.chat.core.UnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;
import org.jooq.DSLContext;

/**
 * The storage's health check: the database must answer a read and commit a write. Health endpoints may be called
 * often and by many checkers at once, so the database is probed at most once per {@link #INTERVAL}; callers in
 * between get the outcome of the last probe, and callers during a probe wait for it. Thread-safe.
 */
final class HealthProbe {
    /** At most one probe, so one small committed write, per interval. */
    static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final int ROW = 1;

    private final Db db;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private boolean probed;
    private long probedAt;
    private UnavailableException failure;

    HealthProbe(Db db) {
        this(db, INTERVAL, System::nanoTime);
    }

    HealthProbe(Db db, Duration interval, LongSupplier nanoTime) {
        this.db = db;
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Throws {@code STORAGE_UNAVAILABLE} if the last probe (made now if the last is older than the interval) failed. */
    synchronized void check() {
        if (!probed || nanoTime.getAsLong() - probedAt >= intervalNanos) {
            try {
                db.checkHealth();
                failure = null;
            } catch (UnavailableException e) {
                failure = e;
            } catch (RuntimeException e) {
                failure = Errors.unavailable(Errors.reason(e, "check health"), e);
            }
            probed = true;
            probedAt = nanoTime.getAsLong();
        }
        if (failure != null) {
            // A new exception per caller: callers may add to it (suppressed exceptions), and must not share that.
            throw Errors.unavailable(failure.getMessage(), failure.getCause());
        }
    }

    /** A trivial read: the database answers. */
    static Object read(DSLContext dsl) {
        return dsl.selectOne().fetch();
    }

    /**
     * The write: rewrites the one row of {@code health_probe}, committed like any other write (on SQLite, through the
     * writer and its group commit).
     */
    static int write(DSLContext dsl) {
        long now = Times.toNanos(Instant.now());
        return dsl.insertInto(HEALTH_PROBE)
                .set(HEALTH_PROBE.ID, ROW)
                .set(HEALTH_PROBE.PROBED_AT, now)
                .onConflict(HEALTH_PROBE.ID).doUpdate()
                .set(HEALTH_PROBE.PROBED_AT, now)
                .execute();
    }
}
