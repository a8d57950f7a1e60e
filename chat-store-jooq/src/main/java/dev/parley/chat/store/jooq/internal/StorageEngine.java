package dev.parley.chat.store.jooq.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.core.spi.MessageStore;
import dev.parley.chat.core.spi.PresenceRegistry;
import dev.parley.chat.core.spi.RoomStore;
import dev.parley.chat.core.spi.SessionStore;
import dev.parley.chat.core.spi.UserStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The implementation behind {@link dev.parley.chat.store.jooq.JooqChatStorage}. Public only so that the public
 * package can reach it; not an API.
 */
public final class StorageEngine implements ChatStorage {
    /** HikariCP's default: a validation query that takes longer means a broken connection. */
    private static final long VALIDATION_TIMEOUT_MILLIS = 5_000;

    private final Db db;
    private final UserStore users;
    private final SessionStore sessions;
    private final RoomStore rooms;
    private final MessageStore messages;
    private final PresenceRegistry presence;
    private final HealthProbe health;
    private volatile boolean closed;

    private StorageEngine(Db db) {
        this.db = db;
        this.health = new HealthProbe(db);
        this.users = new UserStoreImpl(db);
        this.sessions = new SessionStoreImpl(db);
        this.rooms = new RoomStoreImpl(db);
        this.messages = new MessageStoreImpl(db);
        this.presence = new PresenceRegistryImpl(db);
    }

    /** Opens (creating if needed) a SQLite database file. */
    public static StorageEngine sqlite(Path file, SqliteOptions options) {
        Objects.requireNonNull(file, "file == null");
        Objects.requireNonNull(options, "options == null");
        Path absolute = file.toAbsolutePath();
        try {
            if (absolute.getParent() != null) {
                Files.createDirectories(absolute.getParent());
            }
        } catch (IOException e) {
            throw Errors.unavailable("could not create the database directory", e);
        }
        return new StorageEngine(SqliteDb.open("jdbc:sqlite:" + absolute, options));
    }

    /**
     * Connects to PostgreSQL through a pool owned by the result. The timeouts go to HikariCP (waiting for a
     * connection) and to pgjdbc (opening one, and waiting for the server's answers); parameters in the URL win over
     * them.
     */
    public static StorageEngine postgres(String jdbcUrl, PostgresOptions options) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl == null");
        Objects.requireNonNull(options, "options == null");
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
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw Errors.unavailable("could not connect to PostgreSQL", e);
        }
        try {
            return new StorageEngine(PostgresDb.open(pool, pool));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** Connects to PostgreSQL through a pool the caller owns (and closes). */
    public static StorageEngine postgres(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource == null");
        return new StorageEngine(PostgresDb.open(dataSource, null));
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

    /** The cluster presence registry on this database. */
    public PresenceRegistry presence() {
        return presence;
    }

    /** How many write transactions the SQLite writer committed (group commits), or -1 on PostgreSQL. */
    public long commitCount() {
        return db.commitCount();
    }

    @Override
    public void checkHealth() {
        if (closed) {
            throw Errors.unavailable("storage is closed", null); // not the last probe's outcome
        }
        health.check();
    }

    @Override
    public void close() {
        closed = true;
        db.close();
    }
}
