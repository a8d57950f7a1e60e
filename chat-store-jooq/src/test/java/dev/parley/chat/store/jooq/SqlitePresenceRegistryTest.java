package dev.parley.chat.store.jooq;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.io.TempDir;

/** The presence registry on SQLite (a database file in a temporary directory): ordinary tables. */
class SqlitePresenceRegistryTest extends PresenceRegistryTest {
    @TempDir
    Path dir;

    @Override
    JooqChatStorage newStorage() {
        return JooqChatStorage.sqlite(file());
    }

    @Override
    JooqChatStorage reopen() {
        return JooqChatStorage.sqlite(file());
    }

    @Override
    Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file());
    }

    private Path file() {
        return dir.resolve("chat.db");
    }
}
