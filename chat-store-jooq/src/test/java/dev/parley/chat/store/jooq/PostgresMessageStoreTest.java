package dev.parley.chat.store.jooq;

import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.testkit.MessageStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The message store contract on PostgreSQL (a fresh schema per test). */
class PostgresMessageStoreTest extends MessageStoreContract {
    @RegisterExtension
    final PostgresSupport postgres = new PostgresSupport();

    @Override
    protected ChatStorage createStorage() {
        return postgres.newStorage();
    }
}
