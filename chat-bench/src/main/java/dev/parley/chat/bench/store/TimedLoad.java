package dev.parley.chat.bench.store;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A closed-loop load: {@code threads} workers each call their {@link Worker#step()} back to back, without pause,
 * for the whole run. The workers start once; after a warm-up, the completed operations are read at the boundaries
 * of each repeat, so a repeat never includes thread start-up or shut-down. If a worker fails, every worker stops and
 * the repeats measured so far are kept.
 */
final class TimedLoad {
    /** One thread's work. */
    interface Worker extends AutoCloseable {
        /**
         * Does one unit of work.
         *
         * @return the operations it completed (1 for a single send, 256 for a batch...)
         */
        long step() throws Exception;

        @Override
        default void close() throws SQLException {
        }
    }

    /** Creates the worker of one thread (on the calling thread, so set-up failures surface at once). */
    @FunctionalInterface
    interface WorkerFactory {
        Worker create(int threadIndex) throws Exception;
    }

    /**
     * What was measured.
     *
     * @param rates operations per second, one per completed repeat
     * @param operations operations per completed repeat
     * @param commits the commit counter's increase per completed repeat (empty without a counter)
     * @param windows the {@link System#nanoTime()} start and end of each completed repeat
     * @param failure the first worker failure, or {@code null}
     */
    record Measurement(List<Double> rates, List<Long> operations, List<Long> commits, List<long[]> windows,
            Throwable failure) {
    }

    private TimedLoad() {
    }

    /**
     * Runs the load.
     *
     * @param commitCounter read at repeat boundaries (e.g. the store's commit count), or {@code null}
     */
    static Measurement run(int threads, WorkerFactory factory, double warmupSeconds, double repeatSeconds,
            int repeats, LongSupplier commitCounter) {
        List<Worker> workers = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try {
            for (int t = 0; t < threads; t++) {
                workers.add(factory.create(t));
            }
        } catch (Exception e) {
            closeAll(workers, failure);
            return new Measurement(List.of(), List.of(), List.of(), List.of(), e);
        }
        LongAdder done = new LongAdder();
        Flag stop = new Flag();
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Worker worker = workers.get(t);
            Thread thread = new Thread(() -> {
                try {
                    while (!stop.value) {
                        done.add(worker.step());
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    stop.value = true;
                }
            }, "bench-load-" + t);
            thread.setDaemon(true);
            running.add(thread);
        }
        running.forEach(Thread::start);
        List<Double> rates = new ArrayList<>();
        List<Long> operations = new ArrayList<>();
        List<Long> commits = new ArrayList<>();
        List<long[]> windows = new ArrayList<>();
        try {
            sleepWhileRunning(seconds(warmupSeconds), stop);
            for (int r = 0; r < repeats && !stop.value; r++) {
                long ops0 = done.sum();
                long commits0 = commitCounter == null ? 0 : commitCounter.getAsLong();
                long t0 = System.nanoTime();
                sleepWhileRunning(seconds(repeatSeconds), stop);
                long t1 = System.nanoTime();
                long ops1 = done.sum();
                long commits1 = commitCounter == null ? 0 : commitCounter.getAsLong();
                if (stop.value) {
                    break; // a worker failed during this repeat: not a valid sample
                }
                operations.add(ops1 - ops0);
                windows.add(new long[] {t0, t1});
                rates.add((ops1 - ops0) / ((t1 - t0) / 1e9));
                if (commitCounter != null) {
                    commits.add(commits1 - commits0);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, e);
        } finally {
            stop.value = true;
            for (Thread thread : running) {
                try {
                    thread.join(TimeUnit.SECONDS.toMillis(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (thread.isAlive()) {
                    failure.compareAndSet(null, new IllegalStateException(thread.getName() + " did not stop"));
                }
            }
            closeAll(workers, failure);
        }
        return new Measurement(rates, operations, commits, windows, failure.get());
    }

    private static long seconds(double seconds) {
        return (long) (seconds * 1e9);
    }

    private static void sleepWhileRunning(long nanos, Flag stop) throws InterruptedException {
        long end = System.nanoTime() + nanos;
        long left;
        while (!stop.value && (left = end - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(left))));
        }
    }

    private static void closeAll(List<Worker> workers, AtomicReference<Throwable> failure) {
        for (Worker worker : workers) {
            try {
                worker.close();
            } catch (SQLException | RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        }
    }

    /** A stop flag shared by the workers. */
    private static final class Flag {
        volatile boolean value;
    }
}
