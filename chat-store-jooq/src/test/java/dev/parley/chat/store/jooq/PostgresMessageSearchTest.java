package dev.parley.chat.store.jooq;

import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.testkit.MessageSearchContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The message search contract on PostgreSQL (a fresh schema per test). */
class PostgresMessageSearchTest extends MessageSearchContract {
    @RegisterExtension
    final PostgresSupport postgres = new PostgresSupport();

    @Override
    protected ChatStorage createStorage() {
        return postgres.newStorage();
    }
}
