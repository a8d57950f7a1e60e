package dev.parley.chat.bench.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** Raw SQLite connections, configured like the store's. */
final class Sqlite {
    /** The store's busy timeout ({@code SqliteOptions.DEFAULTS}). */
    static final int BUSY_TIMEOUT_MILLIS = 5_000;

    private Sqlite() {
    }

    /**
     * A connection with the pragmas of the store's writer connection ({@code SqliteDb}): WAL, {@code
     * synchronous=NORMAL}, foreign keys on, 5 s busy timeout. Left in auto-commit mode; callers issue
     * {@code BEGIN IMMEDIATE} / {@code COMMIT} themselves, as the store's writer does.
     */
    static Connection writer(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl(url(file));
        return source.getConnection();
    }

    static String url(Path file) {
        return "jdbc:sqlite:" + file.toAbsolutePath();
    }

    /** Deletes a database file with its WAL and shared-memory files, if present. */
    static void delete(Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-wal"));
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-shm"));
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-journal"));
    }
}
