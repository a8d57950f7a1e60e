package dev.parley.chat.store.jooq;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
 * <h2>Multi-row batches</h2>
 * Consecutive tasks of one {@link GroupedWork} class in a batch (appends, in practice) are first run together under
 * one savepoint, with one set of statements for all of them (see {@code MessageStoreImpl.appendAll}: one idempotency
 * lookup, one counter update per room, multi-row INSERTs). If that throws for any reason, it is rolled back to its
 * savepoint and its tasks are run one by one under a savepoint each, as above, so a task that fails still fails
 * alone and the others are stored. Measured at 64 senders: the savepoint pair and three statements per append were
 * most of the writer's CPU; see the comment in {@link #runBatch}.
 *
 * <h2>Asynchronous writes</h2>
 * {@link #writeAsync} queues the task like {@link #write} and returns at once; the same batches, order and outcomes
 * apply. Its future is completed, after the commit, on a completer thread of its own, in the order the writer
 * answered (the queue's order), never on the writer thread: whatever the caller chains onto it cannot stall the
 * writer, though a dependent that blocks delays the completion of later asynchronous writes. There is no write
 * timeout for an asynchronous write (nobody waits): a full queue fails it at once, and a writer that stops answers
 * it like every queued write.
 *
 * <p>Because one thread assigns sequence and change numbers and commits atomically, readers (which see committed
 * snapshots in WAL mode) always see a gap-free prefix of each room.
 *
 * <h2>Writer failures</h2>
 * No caller waits forever. Anything the writer meets outside a task, typically an {@link Error} (out of memory, a
 * stack overflow, an error thrown by the driver), fails the batch in hand with {@code STORAGE_UNAVAILABLE}, rolls its
 * transaction back, and the writer goes on with the next batch (a batch already committed is answered with its
 * results). Should the writer thread end regardless, every waiting and queued write fails at once, later writes and
 * {@link #checkHealth()} fail with "the SQLite writer stopped", and a caller whose answer never comes notices the dead
 * thread within a second ({@link WriteTask#await}).
 *
 * <p>Durability: WAL with {@code synchronous=NORMAL} by default. A commit is atomic and consistent; after a power loss
 * (not a process crash) the last commits before the loss may be rolled back, and their sequence and change numbers
 * handed out again. SQLite documents this as safe in WAL mode. With {@link SqliteOptions#synchronousFull()} the writer
 * syncs the WAL at every commit (once per group-commit batch), so an acknowledged write survives a power loss too.
 */
final class SqliteDb implements Db {
    /** Failures of the writer itself are rare; if one repeats on every batch, the log says so once a minute. */
    private static final RateLimitedLog WRITER_FAILURES =
            new RateLimitedLog(System.getLogger(SqliteDb.class.getName()), Duration.ofMinutes(1));

    private final SQLiteDataSource writeSource;
    private final Connection writeConnection;
    private final DSLContext writeDsl;
    private final ReadPool readers;
    private final SqliteOptions options;
    private final LinkedBlockingQueue<WriteTask<?>> queue = new LinkedBlockingQueue<>();
    private final ReentrantReadWriteLock submitLock = new ReentrantReadWriteLock();
    private final WriteTask<Void> poison = new WriteTask<>("stop", dsl -> null);
    private final Thread writer;
    private final AtomicLong commits = new AtomicLong();
    /** Completes the futures of asynchronous writes off the writer thread (see the class comment). */
    private final ExecutorService completer = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "parley-sqlite-completer");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closed;
    /** Set when the writer thread has ended for good without close(): see {@link #stop}. */
    private volatile boolean stopped;
    /** Writer thread only. */
    private Phase phase = Phase.IDLE;
    private final Map<FaultPoint, Error> faults = new ConcurrentHashMap<>();

    private SqliteDb(String url, SqliteOptions options) throws SQLException {
        this.options = options;
        int busyMillis = (int) Math.min(Integer.MAX_VALUE, options.busyTimeout().toMillis());

        SQLiteConfig writeConfig = new SQLiteConfig();
        writeConfig.setJournalMode(SQLiteConfig.JournalMode.WAL);
        writeConfig.setSynchronous(options.synchronousFull()
                ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
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
        return submit(new WriteTask<>(operation, work)).await(options.writeTimeout().toNanos(), writer::isAlive, false);
    }

    @Override
    public <T> CompletableFuture<T> writeAsync(String operation, Function<DSLContext, T> work) {
        try {
            return submit(new WriteTask<>(operation, work, completer)).future();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private <T> WriteTask<T> submit(WriteTask<T> task) {
        submitLock.readLock().lock();
        try {
            if (closed) {
                throw Errors.unavailable("storage is closed", null);
            }
            if (stopped) {
                throw Errors.unavailable("the SQLite writer stopped; nothing was stored", null);
            }
            if (queue.size() >= options.maxQueued()) {
                throw Errors.unavailable("too many writes waiting for the SQLite writer", null);
            }
            queue.add(task);
        } finally {
            submitLock.readLock().unlock();
        }
        return task;
    }

    /** Where the writer can be made to throw, for tests. */
    enum FaultPoint { TAKE, BEGIN, COMMIT, COMPLETE, RECOVER }

    /** Test hook: the writer throws {@code error} the next time it reaches {@code point}, once. */
    void failNextAt(FaultPoint point, Error error) {
        faults.put(point, error);
    }

    private void faultPoint(FaultPoint point) {
        Error error = faults.isEmpty() ? null : faults.remove(point);
        if (error != null) {
            throw error;
        }
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
        if (closed) {
            throw Errors.unavailable("storage is closed", null);
        }
        if (stopped || !writer.isAlive()) {
            throw Errors.unavailable("the SQLite writer stopped", null);
        }
        read("check health", HealthProbe::read);
        // Through the writer like any write, so a lock held by another process, a full disk or a stuck writer
        // show. The probe's outcome matters to no one else: stop waiting for it a little after the busy timeout,
        // by which a lock wait has failed with its own, more precise, message.
        submit(new WriteTask<>("check health", HealthProbe::write))
                .await(options.busyTimeout().plusSeconds(1).toNanos(), writer::isAlive, true);
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
        completer.shutdown(); // after the writer: every answer is queued; they still run
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

    /** Where the writer is within a batch, for recovering from a failure outside the batch's tasks. */
    private enum Phase { IDLE, OPEN, COMMITTING, COMMITTED }

    /**
     * The writer thread. A task's own failure is kept by the task (see {@link #runBatch}); anything thrown outside a
     * task, typically an {@link Error} (out of memory, a stack overflow, an error from the driver), is handled by
     * {@link #recover}, after which the writer carries on. Only if recovering throws too does the thread end; then
     * {@link #stop} answers every caller, and later writes and the health check fail with STORAGE_UNAVAILABLE.
     */
    private void writeLoop() {
        List<WriteTask<?>> batch = new ArrayList<>(options.maxBatch());
        boolean poisoned = false;
        try {
            while (!poisoned) {
                batch.clear();
                phase = Phase.IDLE;
                try {
                    poisoned = takeBatch(batch);
                    faultPoint(FaultPoint.TAKE);
                    if (!batch.isEmpty()) {
                        runBatch(batch);
                    }
                } catch (Throwable failure) {
                    recover(batch, failure);
                }
            }
        } catch (Throwable fatal) {
            stop(batch, fatal);
        }
    }

    /** Waits for a task and drains more; true if the batch ends with the poison (close). */
    private boolean takeBatch(List<WriteTask<?>> batch) {
        while (batch.isEmpty()) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                // Only close() ends the writer, and it does so through the queue.
            }
        }
        queue.drainTo(batch, options.maxBatch() - 1);
        boolean poisoned = batch.get(batch.size() - 1) == poison;
        if (poisoned) {
            batch.remove(batch.size() - 1);
        }
        batch.removeIf(task -> !task.start());
        return poisoned;
    }

    private void runBatch(List<WriteTask<?>> batch) {
        phase = Phase.OPEN;
        try {
            faultPoint(FaultPoint.BEGIN);
            control(BEGIN);
        } catch (SQLException e) {
            failAll(batch, e);
            return;
        }
        // Consecutive grouped works (appends) run with shared statements first. Why, measured with 64 senders in 64
        // rooms (JFR native samples of this thread in sqlite3_step, before): COMMIT 60%, RELEASE 20% (a savepoint per
        // append), INSERT 14%, UPDATE 3%, SELECT 2%. Grouped, a batch of
        // 256 appends to 64 rooms costs one savepoint, 4 idempotency lookups and 4 INSERTs of 64 rows, and one counter
        // UPDATE per room: this thread's CPU per append fell from 66-130 us to 27-39 us on the shared 2-core machine
        // (1-row INSERTs in the same group path: 75-81 us, so the multi-row INSERT is most of the gain).
        int i = 0;
        while (i < batch.size()) {
            int end = groupEnd(batch, i);
            if (end - i > 1) {
                Grouped outcome = runGroup(batch.subList(i, end), batch);
                if (outcome == Grouped.ABORTED) {
                    return;
                }
                if (outcome == Grouped.STORED) {
                    i = end;
                    continue;
                }
            }
            for (; i < end; i++) {
                if (!runAlone(batch.get(i), batch)) {
                    return;
                }
            }
        }
        phase = Phase.COMMITTING;
        try {
            faultPoint(FaultPoint.COMMIT);
            control(COMMIT);
        } catch (SQLException e) {
            rollbackQuietly();
            failAll(batch, e);
            return;
        }
        phase = Phase.COMMITTED;
        commits.incrementAndGet();
        faultPoint(FaultPoint.COMPLETE);
        for (WriteTask<?> task : batch) {
            task.complete();
        }
    }

    /** The end (exclusive) of the run of tasks from {@code start} that {@link #runGroup} may run together. */
    private static int groupEnd(List<WriteTask<?>> batch, int start) {
        Object first = batch.get(start).work;
        int end = start + 1;
        if (first instanceof GroupedWork<?>) {
            while (end < batch.size() && batch.get(end).work.getClass() == first.getClass()) {
                end++;
            }
        }
        return end;
    }

    private enum Grouped { STORED, RUN_ALONE, ABORTED }

    /**
     * Runs a group of tasks with {@link GroupedWork#runGroup} under one savepoint. If that throws, the group is
     * rolled back to the savepoint and the caller runs its tasks one by one.
     *
     * @return STORED with each task's result set, RUN_ALONE, or ABORTED if the transaction failed and every task of
     *     the batch has been answered
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Grouped runGroup(List<WriteTask<?>> group, List<WriteTask<?>> batch) {
        List<GroupedWork<Object>> works = new ArrayList<>(group.size());
        for (WriteTask<?> task : group) {
            works.add((GroupedWork<Object>) (GroupedWork) task.work);
        }
        if (!savepoint(batch)) {
            return Grouped.ABORTED;
        }
        List<Object> results;
        try {
            results = works.get(0).runGroup(writeDsl, works);
            control(RELEASE);
        } catch (Throwable failure) {
            return undo(batch) ? Grouped.RUN_ALONE : Grouped.ABORTED;
        }
        for (int i = 0; i < group.size(); i++) {
            group.get(i).succeeded(results.get(i));
        }
        return Grouped.STORED;
    }

    /**
     * Runs one task under its own savepoint; its own failure is kept by the task and rolled back alone.
     *
     * @return false if the transaction failed and every task of the batch has been answered
     */
    private boolean runAlone(WriteTask<?> task, List<WriteTask<?>> batch) {
        if (!savepoint(batch)) {
            return false;
        }
        try {
            task.run(writeDsl);
            control(RELEASE);
        } catch (Throwable failure) {
            // The task's own failure (kept by the task), or RELEASE failing: undo the task alone.
            return undo(batch);
        }
        return true;
    }

    /** Opens the savepoint of a task or group; false if the transaction failed (the batch is then answered). */
    private boolean savepoint(List<WriteTask<?>> batch) {
        try {
            control(SAVEPOINT);
            return true;
        } catch (SQLException e) {
            rollbackQuietly();
            failAll(batch, e);
            return false;
        }
    }

    /** Rolls back to the savepoint and releases it; false if the transaction failed (the batch is then answered). */
    private boolean undo(List<WriteTask<?>> batch) {
        try {
            control(ROLLBACK_TO);
            control(RELEASE);
            return true;
        } catch (SQLException e) {
            // SQLite rolled the whole transaction back by itself (I/O error, full disk...).
            rollbackQuietly();
            failAll(batch, e);
            return false;
        }
    }

    /**
     * Answers every task of a batch that met a failure outside its tasks, and leaves no transaction open, so that the
     * writer can go on with the next batch. The answer follows from how far the batch got.
     */
    private void recover(List<WriteTask<?>> batch, Throwable failure) {
        WRITER_FAILURES.log(System.Logger.Level.ERROR, "the SQLite writer failed outside a write ("
                + batch.size() + " writes in the batch); it carries on", failure);
        faultPoint(FaultPoint.RECOVER);
        switch (phase) {
            case COMMITTED -> batch.forEach(WriteTask::complete);
            case COMMITTING -> {
                // Whether COMMIT ran is unknown: if a transaction is still open to roll back, it did not.
                String outcome = rollback() ? "nothing was stored" : "the writes may or may not have been stored";
                answerAll(batch, "the SQLite writer failed while committing; " + outcome, failure);
            }
            case OPEN -> {
                rollback();
                answerAll(batch, "the SQLite writer failed; nothing was stored", failure);
            }
            case IDLE -> answerAll(batch, "the SQLite writer failed; nothing was stored", failure);
        }
    }

    /**
     * The writer thread is ending for good after a failure it could not recover from: answers the current batch and
     * every queued write, and makes later writes fail at once. The open transaction, if any, is never committed.
     */
    private void stop(List<WriteTask<?>> batch, Throwable fatal) {
        submitLock.writeLock().lock();
        try {
            stopped = true;
        } finally {
            submitLock.writeLock().unlock();
        }
        WRITER_FAILURES.log(System.Logger.Level.ERROR, "the SQLite writer stopped; writes fail until restart",
                fatal);
        String outcome = phase == Phase.COMMITTING ? "the writes may or may not have been stored"
                : "nothing was stored";
        if (phase == Phase.COMMITTED) {
            batch.forEach(WriteTask::complete);
        } else {
            answerAll(batch, "the SQLite writer stopped; " + outcome, fatal);
        }
        List<WriteTask<?>> queued = new ArrayList<>();
        queue.drainTo(queued);
        answerAll(queued, "the SQLite writer stopped; nothing was stored", fatal);
    }

    private static void answerAll(List<WriteTask<?>> tasks, String message, Throwable cause) {
        for (WriteTask<?> task : tasks) {
            task.fail(Errors.unavailable(message, cause));
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

    /** Rolls back the open transaction; false if there was none (SQLite may have rolled it back itself). */
    private boolean rollback() {
        try {
            control(ROLLBACK);
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private void rollbackQuietly() {
        rollback();
    }

    private static void failAll(List<WriteTask<?>> batch, SQLException cause) {
        answerAll(batch, Errors.reason(cause, "commit the write") + "; nothing was stored", cause);
    }

    /** A fixed set of read-only connections. */
    private static final class ReadPool {
        private final BlockingQueue<Connection> idle;
        private final long waitNanos;
        private volatile boolean closed;

        ReadPool(SQLiteDataSource source, int size, Duration wait) throws SQLException {
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
