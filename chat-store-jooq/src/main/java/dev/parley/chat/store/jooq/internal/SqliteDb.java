package dev.parley.chat.store.jooq.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * SQLite: one writer thread owning the only write connection, plus a small pool of read-only connections.
 *
 * <h2>Group commit</h2>
 * Every write (an append, a room creation, a session touch...) is a task on one queue. The writer takes the first
 * waiting task, drains up to {@code maxBatch - 1} more, and runs them all in one {@code BEGIN IMMEDIATE}
 * transaction, each under its own {@code SAVEPOINT} so that a task that fails (an idempotency conflict, a unique
 * violation) is rolled back alone. It then commits once and only then completes each caller's future, with its
 * result or its own failure. If the commit (or the transaction itself) fails, every task of the batch fails with
 * {@code STORAGE_UNAVAILABLE} and nothing of the batch is stored. Under load this turns N fsyncs into one; with a
 * single caller a batch has one task and the cost is that of a plain transaction.
 *
 * <p>Because one thread assigns sequence and change numbers and commits atomically, readers (which see committed
 * snapshots in WAL mode) always see a gap-free prefix of each room.
 *
 * <p>Durability: WAL with {@code synchronous=NORMAL}. A commit is atomic and consistent; after a power loss (not a
 * process crash) the last commits before the loss may be rolled back. SQLite documents this as safe in WAL mode.
 */
final class SqliteDb implements Db {
    private static final int PENDING = 0;
    private static final int STARTED = 1;
    private static final int CANCELLED = 2;

    private final SQLiteDataSource writeSource;
    private final Connection writeConnection;
    private final DSLContext writeDsl;
    private final ReadPool readers;
    private final SqliteOptions options;
    private final LinkedBlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
    private final ReentrantReadWriteLock submitLock = new ReentrantReadWriteLock();
    private final Task<Void> poison = new Task<>("stop", dsl -> null);
    private final Thread writer;
    private final AtomicLong commits = new AtomicLong();
    private volatile boolean closed;

    private SqliteDb(String url, SqliteOptions options) throws SQLException {
        this.options = options;
        int busyMillis = (int) Math.min(Integer.MAX_VALUE, options.busyTimeout().toMillis());

        SQLiteConfig writeConfig = new SQLiteConfig();
        writeConfig.setJournalMode(SQLiteConfig.JournalMode.WAL);
        writeConfig.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        writeConfig.enforceForeignKeys(true);
        writeConfig.setBusyTimeout(busyMillis);
        writeSource = new SQLiteDataSource(writeConfig);
        writeSource.setUrl(url);

        SQLiteConfig readConfig = new SQLiteConfig();
        readConfig.setBusyTimeout(busyMillis);
        readConfig.enforceForeignKeys(true);
        SQLiteDataSource readSource = new SQLiteDataSource(readConfig);
        readSource.setUrl(url);

        Connection connection = writeSource.getConnection();
        try {
            // Left in JDBC auto-commit mode: the writer issues BEGIN/SAVEPOINT/COMMIT itself, because the driver's
            // own transaction handling would immediately re-open a transaction after each commit.
            readers = new ReadPool(readSource, options.readConnections(), options.busyTimeout());
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        writeConnection = StatementCache.wrap(connection);
        writeDsl = DSL.using(writeConnection, SQLDialect.SQLITE, JooqSettings.SETTINGS);
        writer = new Thread(this::writeLoop, "parley-sqlite-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Runs the migrations on a connection of their own, then opens the writer and the readers. */
    static SqliteDb open(String url, SqliteOptions options) {
        try {
            SQLiteConfig config = new SQLiteConfig();
            config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, options.busyTimeout().toMillis()));
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            SQLiteDataSource source = new SQLiteDataSource(config);
            source.setUrl(url);
            try (Connection connection = source.getConnection()) {
                Migrations.migrate(connection);
            }
            return new SqliteDb(url, options);
        } catch (SQLException e) {
            throw Errors.unavailable("could not open the SQLite database", e);
        }
    }

    @Override
    public <T> T read(String operation, Function<DSLContext, T> work) {
        if (closed) {
            throw Errors.unavailable("storage is closed", null);
        }
        Connection connection;
        try {
            connection = readers.borrow();
        } catch (SQLException e) {
            throw Errors.translate(e, operation);
        }
        try {
            return work.apply(DSL.using(connection, SQLDialect.SQLITE, JooqSettings.SETTINGS));
        } catch (RuntimeException e) {
            throw Errors.translate(e, operation);
        } finally {
            readers.release(connection);
        }
    }

    @Override
    public <T> T write(String operation, Function<DSLContext, T> work) {
        Task<T> task = new Task<>(operation, work);
        submitLock.readLock().lock();
        try {
            if (closed) {
                throw Errors.unavailable("storage is closed", null);
            }
            if (queue.size() >= options.maxQueued()) {
                throw Errors.unavailable("too many writes waiting for the SQLite writer", null);
            }
            queue.add(task);
        } finally {
            submitLock.readLock().unlock();
        }
        return task.await(options.writeTimeout().toNanos());
    }

    /** Writes waiting for the writer (for tests). */
    int queued() {
        return queue.size();
    }

    @Override
    public long commitCount() {
        return commits.get();
    }

    @Override
    public void checkHealth() {
        if (closed || !writer.isAlive()) {
            throw Errors.unavailable("storage is closed", null);
        }
        read("check health", dsl -> dsl.selectOne().fetch());
    }

    @Override
    public void close() {
        submitLock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(poison); // after every accepted task: the writer drains them first
        } finally {
            submitLock.writeLock().unlock();
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        readers.close();
        try {
            writeConnection.close();
        } catch (SQLException e) {
            // Nothing is pending any more; the connection is gone either way.
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeLoop() {
        List<Task<?>> batch = new ArrayList<>(options.maxBatch());
        boolean stop = false;
        while (!stop) {
            batch.clear();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                // Only close() ends the writer, and it does so through the queue.
                continue;
            }
            queue.drainTo(batch, options.maxBatch() - 1);
            if (batch.get(batch.size() - 1) == poison) {
                batch.remove(batch.size() - 1);
                stop = true;
            }
            batch.removeIf(task -> !task.start());
            if (!batch.isEmpty()) {
                runBatch(batch);
            }
        }
    }

    private void runBatch(List<Task<?>> batch) {
        try {
            control(BEGIN);
        } catch (SQLException e) {
            failAll(batch, e);
            return;
        }
        for (Task<?> task : batch) {
            try {
                control(SAVEPOINT);
            } catch (SQLException e) {
                rollbackQuietly();
                failAll(batch, e);
                return;
            }
            try {
                task.run(writeDsl);
                control(RELEASE);
            } catch (Throwable failure) {
                task.failure = failure;
                try {
                    control(ROLLBACK_TO);
                    control(RELEASE);
                } catch (SQLException e) {
                    // SQLite rolled the whole transaction back by itself (I/O error, full disk...).
                    rollbackQuietly();
                    failAll(batch, e);
                    return;
                }
            }
        }
        try {
            control(COMMIT);
        } catch (SQLException e) {
            rollbackQuietly();
            failAll(batch, e);
            return;
        }
        commits.incrementAndGet();
        for (Task<?> task : batch) {
            task.complete();
        }
    }

    private static final String BEGIN = "BEGIN IMMEDIATE";
    private static final String SAVEPOINT = "SAVEPOINT parley_task";
    private static final String RELEASE = "RELEASE parley_task";
    private static final String ROLLBACK_TO = "ROLLBACK TO parley_task";
    private static final String COMMIT = "COMMIT";
    private static final String ROLLBACK = "ROLLBACK";

    /** Runs a transaction-control statement, prepared once through the statement cache. */
    private void control(String sql) throws SQLException {
        try (PreparedStatement statement = writeConnection.prepareStatement(sql)) {
            statement.execute();
        }
    }

    private void rollbackQuietly() {
        try {
            control(ROLLBACK);
        } catch (SQLException e) {
            // Already rolled back by SQLite.
        }
    }

    private static void failAll(List<Task<?>> batch, SQLException cause) {
        for (Task<?> task : batch) {
            task.future.completeExceptionally(
                    Errors.unavailable("SQLite could not commit the write; nothing was stored", cause));
        }
    }

    /** One caller's write. */
    private static final class Task<T> {
        final String operation;
        final Function<DSLContext, T> work;
        final CompletableFuture<T> future = new CompletableFuture<>();
        final AtomicInteger state = new AtomicInteger(PENDING);
        T result;
        Throwable failure;

        Task(String operation, Function<DSLContext, T> work) {
            this.operation = operation;
            this.work = work;
        }

        /** Claims the task for the writer; false if its caller gave up waiting. */
        boolean start() {
            return state.compareAndSet(PENDING, STARTED);
        }

        void run(DSLContext dsl) {
            result = work.apply(dsl);
        }

        /** Called after the commit: publishes the outcome. */
        void complete() {
            if (failure == null) {
                future.complete(result);
            } else {
                future.completeExceptionally(failure);
            }
        }

        T await(long timeoutNanos) {
            boolean interrupted = false;
            try {
                try {
                    return future.get(timeoutNanos, TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    if (state.compareAndSet(PENDING, CANCELLED)) {
                        throw Errors.unavailable("timed out waiting for the SQLite writer; nothing was stored", e);
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                    if (state.compareAndSet(PENDING, CANCELLED)) {
                        throw Errors.unavailable("interrupted before the write started; nothing was stored", e);
                    }
                }
                // The writer has started this task: its outcome is decided within the batch, so wait for it rather
                // than report a failure that might be false.
                while (true) {
                    try {
                        return future.get();
                    } catch (InterruptedException e) {
                        interrupted = true;
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

    /** A fixed set of read-only connections. */
    private static final class ReadPool {
        private final BlockingQueue<Connection> idle;
        private final long waitNanos;
        private volatile boolean closed;

        ReadPool(SQLiteDataSource source, int size, java.time.Duration wait) throws SQLException {
            idle = new ArrayBlockingQueue<>(size);
            waitNanos = wait.toNanos();
            try {
                for (int i = 0; i < size; i++) {
                    Connection connection = source.getConnection();
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("PRAGMA query_only = 1");
                    } catch (SQLException e) {
                        closeQuietly(connection);
                        throw e;
                    }
                    idle.add(StatementCache.wrap(connection));
                }
            } catch (SQLException e) {
                close();
                throw e;
            }
        }

        Connection borrow() throws SQLException {
            try {
                Connection connection = idle.poll(waitNanos, TimeUnit.NANOSECONDS);
                if (connection == null) {
                    throw new SQLException("no read connection became free in time");
                }
                return connection;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for a read connection", e);
            }
        }

        void release(Connection connection) {
            if (closed) {
                closeQuietly(connection);
            } else {
                idle.add(connection);
                if (closed && idle.remove(connection)) {
                    closeQuietly(connection);
                }
            }
        }

        void close() {
            closed = true;
            Connection connection;
            while ((connection = idle.poll()) != null) {
                closeQuietly(connection);
            }
        }

        private static void closeQuietly(Connection connection) {
            try {
                connection.close();
            } catch (SQLException e) {
                // Closing a read-only connection loses nothing.
            }
        }
    }
}
