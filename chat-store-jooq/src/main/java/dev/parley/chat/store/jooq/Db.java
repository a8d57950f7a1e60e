package dev.parley.chat.store.jooq;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jooq.DSLContext;

/**
 * How the stores reach the database. Both methods translate failures with {@link Errors#translate}: a
 * {@link dev.parley.chat.core.ChatException} thrown by the work passes through unchanged, a unique violation arrives
 * as {@link DuplicateKeyException}, anything else as {@code STORAGE_UNAVAILABLE}.
 */
interface Db extends AutoCloseable {
    /**
     * Runs read-only work and returns its result. Every statement sees committed data only.
     */
    <T> T read(String operation, Function<DSLContext, T> work);

    /**
     * Runs work in a transaction (possibly shared with other callers' work under a savepoint each, see
     * {@link SqliteDb}) and returns its result only after the commit. If this throws, the work's effects were not
     * committed.
     */
    <T> T write(String operation, Function<DSLContext, T> work);

    /**
     * As {@link #write}, without waiting: the future completes after the commit with the result, or exceptionally
     * with the translated failure (then nothing of the work was committed). The default runs {@link #write} on the
     * calling thread and returns a completed future; {@link SqliteDb} queues the work and returns at once.
     */
    default <T> CompletableFuture<T> writeAsync(String operation, Function<DSLContext, T> work) {
        try {
            return CompletableFuture.completedFuture(write(operation, work));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** How many write transactions committed so far, or -1 if not counted (only the SQLite writer counts). */
    default long commitCount() {
        return -1;
    }

    /**
     * Proves that the database serves both reads and writes: a trivial read, then {@link HealthProbe#write} committed
     * like any write. Throws {@code STORAGE_UNAVAILABLE} if either fails or the database does not answer within its
     * timeouts. Not rate-limited: {@link HealthProbe} is.
     */
    void checkHealth();

    /** Finishes accepted writes, then releases threads and connections. Idempotent. */
    @Override
    void close();
}
