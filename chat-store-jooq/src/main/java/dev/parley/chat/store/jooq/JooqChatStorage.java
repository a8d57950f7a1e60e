package dev.parley.chat.store.jooq;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.core.spi.MessageSearch;
import dev.parley.chat.core.spi.MessageStore;
import dev.parley.chat.core.spi.PresenceRegistry;
import dev.parley.chat.core.spi.RoomStore;
import dev.parley.chat.core.spi.SessionStore;
import dev.parley.chat.core.spi.UserStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Parley's storage on a relational database, through jOOQ: SQLite for an embedded, single-process deployment, or
 * PostgreSQL for one or many server nodes.
 *
 * <p>Opening a storage creates or upgrades the schema (a Liquibase changelog; already-applied changes are skipped,
 * so opening the same database again is safe). Upgrade every node at once: stop the nodes of the earlier release
 * before one of this release opens the database. A database written by the first release gets the change stream on
 * upgrade, each room continuing at change number = its last message sequence; on PostgreSQL, a node still running the
 * first release then fails its appends instead of storing messages that this release could not read.
 *
 * <p>Every store method is thread-safe and, when it returns, has committed its effect. A failure of the database
 * (unreachable, locked for longer than the busy timeout, disk full, storage closed) is reported as
 * {@link dev.parley.chat.core.UnavailableException} with {@link dev.parley.chat.core.ErrorCode#STORAGE_UNAVAILABLE},
 * and then nothing was committed, so the call may be retried. Error messages never contain SQL or user data; the
 * driver's exception is attached as the cause.
 *
 * <p><b>SQLite</b> uses WAL mode with {@code synchronous=NORMAL} (atomic and consistent; a power loss, not a process
 * crash, may lose the last commits; {@link SqliteSynchronous#FULL} closes that gap at the cost of a sync per commit),
 * a 5-second busy timeout, and foreign keys on. All writes go through one writer
 * thread and connection, which commits concurrent writers' work together (group commit): up to 256 queued writes
 * share one transaction, each under its own savepoint (consecutive appends share one, and multi-row statements,
 * falling back to one each if any of them fails), and nobody is answered before the commit;
 * {@code messages().appendAsync} queues an append without waiting for it. Reads use a small
 * pool of read-only connections and see committed data only. One process should own a database file; another
 * process writing to it concurrently makes writes wait and possibly fail with {@code STORAGE_UNAVAILABLE}.
 *
 * <p><b>PostgreSQL</b> runs each write in a transaction on a connection pool. Per-room sequence and change numbers
 * are taken from counters on the room's row, under a row lock held to the commit of the writing transaction, so they
 * stay gap-free across nodes and become visible in order. Tables are referenced without a schema: the connection's
 * {@code search_path} decides (for example {@code currentSchema} in the JDBC URL).
 *
 * <p><b>JDBC drivers</b> are the application's to add: this module declares them optional. {@link #sqlite(Path)}
 * and {@link #sqliteBuilder(Path)} need {@code org.xerial:sqlite-jdbc}; {@link #postgres(String)} and
 * {@link #postgresBuilder(String)} need {@code org.postgresql:postgresql}; {@link #postgres(DataSource)} uses the
 * pool's driver. Opening a storage whose driver is missing throws {@link IllegalStateException} naming the artifact.
 *
 * <p>{@link #close()} lets accepted writes finish, then releases threads and connections; it is idempotent. Calls
 * after it fail with {@code STORAGE_UNAVAILABLE}.
 */
public final class JooqChatStorage implements ChatStorage {
    /** HikariCP's default: a validation query that takes longer means a broken connection. */
    private static final long VALIDATION_TIMEOUT_MILLIS = 5_000;

    private final Db db;
    private final UserStore users;
    private final SessionStore sessions;
    private final RoomStore rooms;
    private final MessageStore messages;
    private final MessageSearch search;
    private final PresenceRegistry presence;
    private final HealthProbe health;
    private volatile boolean closed;

    private JooqChatStorage(Db db) {
        this.db = db;
        this.health = new HealthProbe(db);
        this.users = new UserStoreImpl(db);
        this.sessions = new SessionStoreImpl(db);
        this.rooms = new RoomStoreImpl(db);
        this.messages = new MessageStoreImpl(db);
        this.search = new MessageSearchImpl(db);
        this.presence = new PresenceRegistryImpl(db);
    }

    /**
     * Opens a SQLite database file with the default settings, creating it and its parent directories if they do not
     * exist.
     *
     * @param file the database file
     * @return the open storage; close it when done
     * @throws dev.parley.chat.core.UnavailableException if the file cannot be opened or migrated
     */
    public static JooqChatStorage sqlite(Path file) {
        return sqliteBuilder(file).open();
    }

    /**
     * A builder for a SQLite storage with settings (such as {@link SqliteSynchronous}).
     *
     * @param file the database file
     * @return the builder
     */
    public static SqliteStorageBuilder sqliteBuilder(Path file) {
        return new SqliteStorageBuilder(file);
    }

    /** As {@link #sqlite(Path)} with tuning: for {@link SqliteStorageBuilder} and tests in this package. */
    static JooqChatStorage sqlite(Path file, SqliteOptions options) {
        Objects.requireNonNull(file, "file == null");
        Objects.requireNonNull(options, "options == null");
        Drivers.requireSqlite();
        Path absolute = file.toAbsolutePath();
        try {
            if (absolute.getParent() != null) {
                Files.createDirectories(absolute.getParent());
            }
        } catch (IOException e) {
            throw Errors.unavailable("could not create the database directory", e);
        }
        return new JooqChatStorage(SqliteDb.open("jdbc:sqlite:" + absolute, options));
    }

    /**
     * Connects to PostgreSQL with the default settings: a connection pool (HikariCP, 10 connections) owned by the
     * storage and closed by {@link #close()}, 5 s to get a connection, 30 s for the server to answer (see
     * {@link PostgresStorageBuilder}).
     *
     * @param jdbcUrl a {@code jdbc:postgresql:} URL, with credentials as URL parameters if needed
     * @return the open storage; close it when done
     * @throws dev.parley.chat.core.UnavailableException if the database cannot be reached or migrated
     */
    public static JooqChatStorage postgres(String jdbcUrl) {
        return postgresBuilder(jdbcUrl).open();
    }

    /**
     * A builder for a PostgreSQL storage with its own pool and settings (pool size, timeouts).
     *
     * @param jdbcUrl a {@code jdbc:postgresql:} URL, with credentials as URL parameters if needed
     * @return the builder
     */
    public static PostgresStorageBuilder postgresBuilder(String jdbcUrl) {
        return new PostgresStorageBuilder(jdbcUrl);
    }

    /**
     * Connects to PostgreSQL through a pool owned by the result, for {@link PostgresStorageBuilder}. The timeouts go to HikariCP (waiting for a
     * connection) and to pgjdbc (opening one, and waiting for the server's answers); parameters in the URL win over
     * them.
     */
    static JooqChatStorage postgres(String jdbcUrl, PostgresOptions options, MetricsTrackerFactory poolMetrics) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl == null");
        Objects.requireNonNull(options, "options == null");
        Drivers.requirePostgres();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(options.poolSize());
        config.setPoolName("parley-postgres");
        long connectMillis = options.connectTimeout().toMillis();
        config.setConnectionTimeout(connectMillis);
        // Checking a pooled connection before use must not outlast the wait for a connection.
        config.setValidationTimeout(Math.min(connectMillis, VALIDATION_TIMEOUT_MILLIS));
        config.addDataSourceProperty("connectTimeout", PostgresOptions.seconds(options.connectTimeout()));
        config.addDataSourceProperty("loginTimeout", PostgresOptions.seconds(options.connectTimeout()));
        config.addDataSourceProperty("socketTimeout", PostgresOptions.seconds(options.socketTimeout()));
        if (poolMetrics != null) {
            config.setMetricsTrackerFactory(poolMetrics);
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw Errors.unavailable("could not connect to PostgreSQL", e);
        }
        try {
            return new JooqChatStorage(PostgresDb.open(pool, pool));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * Uses a PostgreSQL connection pool the caller owns: {@link #close()} does not close it. Its timeouts are the
     * caller's: set the pool's connection timeout and the driver's {@code socketTimeout} so that a call fails within
     * seconds when the database is unreachable.
     *
     * @param dataSource the pool; its connections must use auto-commit (the default), and should be restored to it
     *     when returned to the pool
     * @return the open storage; close it before closing the pool
     * @throws dev.parley.chat.core.UnavailableException if the database cannot be reached or migrated
     */
    public static JooqChatStorage postgres(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource == null");
        return new JooqChatStorage(PostgresDb.open(dataSource, null));
    }

    @Override
    public UserStore users() {
        return users;
    }

    @Override
    public SessionStore sessions() {
        return sessions;
    }

    @Override
    public RoomStore rooms() {
        return rooms;
    }

    @Override
    public MessageStore messages() {
        return messages;
    }

    /**
     * Full-text search over the messages: SQLite FTS5 or a PostgreSQL {@code tsvector} with a GIN index, both kept
     * in step with appends, edits and deletions in the writing transaction.
     *
     * @return the search; thread-safe
     */
    @Override
    public Optional<MessageSearch> search() {
        return Optional.of(search);
    }

    /**
     * Who is online in each room across the nodes that share this database: rows of (node, room, user) in the
     * {@code presence} table, counted while their node's heartbeat in the {@code nodes} table is fresh. Both tables are
     * UNLOGGED on PostgreSQL: cheap to write, but emptied if the server crashes and absent on read replicas; the nodes
     * rebuild them by heartbeating and entering their users again.
     *
     * <p>Expiry is judged on the <b>database's clock</b> ({@code now()} on PostgreSQL, {@code 'now'} on SQLite), never
     * the nodes', so nodes whose clocks disagree still agree on who is online. A user entered by a node shows in
     * {@link PresenceRegistry#online} only while that node has an unexpired heartbeat. A heartbeat also deletes, at
     * most once a minute, the rows of nodes whose heartbeat expired more than 10 minutes ago: a node that comes back
     * after that must enter its users again (as after {@link PresenceRegistry#forget}). Node ids should differ
     * between a node's runs, or a restarted node should forget its id first, so that rows of a crashed run do not come
     * back to life with the next heartbeat.
     *
     * <p>Thread-safe. Every method commits before it returns (on SQLite through the single writer, like the stores),
     * and reports a database failure as {@link dev.parley.chat.core.UnavailableException} with
     * {@code STORAGE_UNAVAILABLE}; {@link PresenceRegistry#heartbeat} rejects a ttl that is not positive with
     * {@link IllegalArgumentException}. The registry uses this storage's connections: closing the registry does
     * nothing, closing the storage ends it.
     *
     * @return the registry, the same on every call
     */
    public PresenceRegistry presenceRegistry() {
        return presence;
    }

    /**
     * Proves that the database serves reads and writes: a trivial query, then a committed one-row write to the
     * {@code health_probe} table (on SQLite through the writer, so another process's lock on the file or a stopped
     * writer shows). The database is probed at most once a second; calls in between get the last probe's outcome,
     * and calls during a probe wait for it. A probe takes at most about the busy timeout (SQLite) or the connect and
     * socket timeouts (PostgreSQL).
     *
     * @throws dev.parley.chat.core.UnavailableException with {@code STORAGE_UNAVAILABLE} if either fails or the
     *     storage is closed
     */
    @Override
    public void checkHealth() {
        if (closed) {
            throw Errors.unavailable("storage is closed", null); // not the last probe's outcome
        }
        health.check();
    }

    /**
     * How many write transactions the SQLite writer has committed since this storage opened: writes divided by this
     * is the group-commit batch size. Thread-safe; a monitoring figure, not a guarantee about any one write.
     *
     * @return the count, or {@code -1} on PostgreSQL (each write is its own transaction there)
     */
    public long commitCount() {
        return db.commitCount();
    }

    /** The database, for tests of this package. */
    Db db() {
        return db;
    }

    /** Finishes accepted writes, then releases threads and connections. Idempotent; never throws. */
    @Override
    public void close() {
        closed = true;
        db.close();
    }
}
