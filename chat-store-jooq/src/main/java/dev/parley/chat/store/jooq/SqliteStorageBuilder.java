package dev.parley.chat.store.jooq;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Opens a SQLite storage with settings; from {@link JooqChatStorage#sqliteBuilder(Path)}. Not thread-safe; each
 * {@link #open()} opens a new storage.
 */
public final class SqliteStorageBuilder {
    private final Path file;
    private SqliteOptions options = SqliteOptions.DEFAULTS;

    SqliteStorageBuilder(Path file) {
        this.file = Objects.requireNonNull(file, "file == null");
    }

    /**
     * How each commit is pushed to disk; default {@link SqliteSynchronous#NORMAL}.
     *
     * @param mode the mode
     * @return this
     */
    public SqliteStorageBuilder synchronous(SqliteSynchronous mode) {
        Objects.requireNonNull(mode, "mode == null");
        options = options.withSynchronousFull(mode == SqliteSynchronous.FULL);
        return this;
    }

    /**
     * Opens the database file, creating it and its parent directories if they do not exist, and creates or upgrades
     * the schema.
     *
     * @return the open storage; close it when done
     * @throws dev.parley.chat.core.UnavailableException if the file cannot be opened or migrated
     */
    public JooqChatStorage open() {
        return JooqChatStorage.sqlite(file, options);
    }
}
