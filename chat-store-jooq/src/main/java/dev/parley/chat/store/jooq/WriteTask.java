package dev.parley.chat.store.jooq;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jooq.DSLContext;

/**
 * One caller's write, queued for the {@link SqliteDb} writer. The caller waits in {@link #await}, or, for an
 * asynchronous write, holds {@link #future()}; the writer claims it with {@link #start}, runs it, and answers with
 * {@link #complete} after the commit or {@link #fail}. Whoever answers first wins: answering again is a no-op.
 *
 * <p>A waiting caller's future is completed on the answering thread (the writer): nothing but the caller depends on
 * it. An asynchronous write's future is completed on its {@code completer} instead, with the failure already
 * translated ({@link Errors#translate}), so that whatever its holder chains onto it never runs on, or blocks, the
 * writer thread.
 */
final class WriteTask<T> {
    private static final int PENDING = 0;
    private static final int STARTED = 1;
    private static final int CANCELLED = 2;
    /**
     * How often a waiting caller checks that the writer thread is still alive. The writer answers every task it
     * started even when it fails (see {@link SqliteDb}); this is the last line, for a writer that died regardless.
     */
    private static final long LIVENESS_POLL_NANOS = TimeUnit.SECONDS.toNanos(1);

    final String operation;
    final Function<DSLContext, T> work;
    private final Executor completer;
    private final CompletableFuture<T> future = new CompletableFuture<>();
    private final AtomicInteger state = new AtomicInteger(PENDING);
    private T result;
    private Throwable failure;

    /** A write whose caller waits in {@link #await}. */
    WriteTask(String operation, Function<DSLContext, T> work) {
        this(operation, work, null);
    }

    /**
     * A write whose caller waits in {@link #await} ({@code completer == null}) or holds {@link #future()}, completed on
     * {@code completer}.
     */
    WriteTask(String operation, Function<DSLContext, T> work, Executor completer) {
        this.operation = operation;
        this.work = work;
        this.completer = completer;
    }

    /** The answer, for an asynchronous write: completed on the completer, failures translated. */
    CompletableFuture<T> future() {
        return future;
    }

    /** Claims the task for the writer; false if its caller gave up waiting. */
    boolean start() {
        return state.compareAndSet(PENDING, STARTED);
    }

    /** Runs the work (writer thread); its own failure is kept for {@link #complete}, not thrown. */
    void run(DSLContext dsl) throws Throwable {
        try {
            result = work.apply(dsl);
        } catch (Throwable t) {
            failure = t;
            throw t;
        }
    }

    /** The result of work run together with other tasks' by the writer (see {@link GroupedWork}). */
    @SuppressWarnings("unchecked")
    void succeeded(Object groupResult) {
        result = (T) groupResult;
        failure = null;
    }

    /** Called after the commit: publishes the outcome of {@link #run}. */
    void complete() {
        if (failure == null) {
            answer(result, null);
        } else {
            answer(null, failure);
        }
    }

    /** Answers with a failure instead (the batch was not committed, or its outcome is unknown). */
    void fail(RuntimeException error) {
        answer(null, error);
    }

    private void answer(T value, Throwable error) {
        if (completer == null) {
            if (error == null) {
                future.complete(value);
            } else {
                future.completeExceptionally(error);
            }
            return;
        }
        Throwable translated = error == null ? null : Errors.translate(error, operation);
        completer.execute(() -> {
            if (translated == null) {
                future.complete(value);
            } else {
                future.completeExceptionally(translated);
            }
        });
    }

    /**
     * Waits for the answer. A task the writer has not started by the deadline is withdrawn and fails; a started one is
     * awaited past the deadline (its outcome is decided within its batch, so a failure reported now might be false)
     * unless {@code abandonStarted}, for work whose outcome does not matter. If the writer thread has died without
     * answering, fails within about a second.
     *
     * @param timeoutNanos how long to wait for the writer to start the task
     * @param writerAlive whether the writer thread is still running
     * @param abandonStarted whether to give up on a started task at the deadline too
     */
    T await(long timeoutNanos, BooleanSupplier writerAlive, boolean abandonStarted) {
        long deadline = System.nanoTime() + timeoutNanos;
        boolean interrupted = false;
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                boolean waitingForStart = state.get() == PENDING || abandonStarted;
                long wait = waitingForStart ? Math.min(LIVENESS_POLL_NANOS, Math.max(0, left)) : LIVENESS_POLL_NANOS;
                try {
                    return future.get(wait, TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    if (!writerAlive.getAsBoolean() && !future.isDone()) {
                        throw state.compareAndSet(PENDING, CANCELLED)
                                ? Errors.unavailable("the SQLite writer stopped; nothing was stored", null)
                                : Errors.unavailable("the SQLite writer stopped during this write; it may or may "
                                        + "not have been stored", null);
                    }
                    if (deadline - System.nanoTime() <= 0) {
                        if (state.compareAndSet(PENDING, CANCELLED)) {
                            throw Errors.unavailable("timed out waiting for the SQLite writer; nothing was stored", e);
                        }
                        if (abandonStarted) {
                            throw Errors.unavailable("the SQLite writer did not finish in time", e);
                        }
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                    if (state.compareAndSet(PENDING, CANCELLED)) {
                        throw Errors.unavailable("interrupted before the write started; nothing was stored", e);
                    }
                }
            }
        } catch (ExecutionException e) {
            throw Errors.translate(e.getCause(), operation);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
