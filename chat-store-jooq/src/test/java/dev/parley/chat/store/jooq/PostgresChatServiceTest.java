package dev.parley.chat.store.jooq;

import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.testkit.ChatServiceContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The chat service, end to end, on PostgreSQL (a fresh schema per test). */
class PostgresChatServiceTest extends ChatServiceContract {
    @RegisterExtension
    final PostgresSupport postgres = new PostgresSupport();

    @Override
    protected ChatStorage createStorage() {
        return postgres.newStorage();
    }
}
