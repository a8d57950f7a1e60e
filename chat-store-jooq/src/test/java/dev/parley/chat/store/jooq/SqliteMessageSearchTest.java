package dev.parley.chat.store.jooq;

import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.testkit.MessageSearchContract;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The message search contract on SQLite (a database file in a temporary directory). */
class SqliteMessageSearchTest extends MessageSearchContract {
    @TempDir
    Path dir;

    private final AtomicInteger files = new AtomicInteger();

    @Override
    protected ChatStorage createStorage() {
        return JooqChatStorage.sqlite(dir.resolve("chat-" + files.incrementAndGet() + ".db"));
    }
}
