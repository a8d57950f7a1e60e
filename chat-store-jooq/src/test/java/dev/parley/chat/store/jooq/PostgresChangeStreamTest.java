package dev.parley.chat.store.jooq;

import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.testkit.ChangeStreamContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The change stream contract (room and message stores sharing one counter) on PostgreSQL (a fresh schema per test). */
class PostgresChangeStreamTest extends ChangeStreamContract {
    @RegisterExtension
    final PostgresSupport postgres = new PostgresSupport();

    @Override
    protected ChatStorage createStorage() {
        return postgres.newStorage();
    }
}
