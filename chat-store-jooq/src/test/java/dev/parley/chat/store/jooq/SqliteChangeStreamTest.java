package dev.parley.chat.store.jooq;

import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.testkit.ChangeStreamContract;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The change stream contract (room and message stores sharing one counter) on SQLite (a database file in a temporary directory). */
class SqliteChangeStreamTest extends ChangeStreamContract {
    @TempDir
    Path dir;

    private final AtomicInteger files = new AtomicInteger();

    @Override
    protected ChatStorage createStorage() {
        return JooqChatStorage.sqlite(dir.resolve("chat-" + files.incrementAndGet() + ".db"));
    }
}
