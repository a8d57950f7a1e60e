package dev.parley.chat.store.jooq;

import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.testkit.SessionStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The session store contract on PostgreSQL (a fresh schema per test). */
class PostgresSessionStoreTest extends SessionStoreContract {
    @RegisterExtension
    final PostgresSupport postgres = new PostgresSupport();

    @Override
    protected ChatStorage createStorage() {
        return postgres.newStorage();
    }
}
