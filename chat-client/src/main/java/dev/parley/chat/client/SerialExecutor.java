package dev.parley.chat.client;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in submission order, on a delegate executor: the client's callbacks stay ordered even on
 * a pool. Thread-safe. A task that throws is logged and does not stop the ones after it.
 */
final class SerialExecutor implements Executor {
    private static final System.Logger LOG = System.getLogger(ParleyClient.class.getName());

    private final Executor delegate;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    SerialExecutor(Executor delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate == null");
    }

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task == null");
        synchronized (tasks) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        try {
            delegate.execute(this::drain);
        } catch (RuntimeException e) { // the delegate refused: run nothing more, keep no task
            synchronized (tasks) {
                tasks.clear();
                running = false;
            }
            LOG.log(System.Logger.Level.DEBUG, "callback executor refused a task", e);
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (tasks) {
                next = tasks.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.WARNING, "a Parley client listener threw", e);
            }
        }
    }
}
