package dev.parley.chat.store.jooq;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The schema upgrade on a SQLite file. */
class SqliteSchemaUpgradeTest extends SchemaUpgradeTest {
    @TempDir
    Path dir;

    @Override
    String newDatabaseUrl() {
        return "jdbc:sqlite:" + dir.resolve("chat.db");
    }

    @Override
    JooqChatStorage open(String url) {
        return JooqChatStorage.sqlite(Path.of(url.substring("jdbc:sqlite:".length())));
    }
}
