package dev.parley.chat.store.jooq;

import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.testkit.ChatServiceContract;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The chat service, end to end, on SQLite. */
class SqliteChatServiceTest extends ChatServiceContract {
    @TempDir
    Path dir;

    private final AtomicInteger files = new AtomicInteger();

    @Override
    protected ChatStorage createStorage() {
        return JooqChatStorage.sqlite(dir.resolve("chat-" + files.incrementAndGet() + ".db"));
    }
}
