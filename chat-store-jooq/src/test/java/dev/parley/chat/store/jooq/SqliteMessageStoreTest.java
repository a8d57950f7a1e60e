package dev.parley.chat.store.jooq;

import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.testkit.MessageStoreContract;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The message store contract on SQLite (a database file in a temporary directory). */
class SqliteMessageStoreTest extends MessageStoreContract {
    @TempDir
    Path dir;

    private final AtomicInteger files = new AtomicInteger();

    @Override
    protected ChatStorage createStorage() {
        return JooqChatStorage.sqlite(dir.resolve("chat-" + files.incrementAndGet() + ".db"));
    }
}
