package dev.parley.chat.store.jooq;

import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.testkit.UserStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The user store contract on PostgreSQL (a fresh schema per test). */
class PostgresUserStoreTest extends UserStoreContract {
    @RegisterExtension
    final PostgresSupport postgres = new PostgresSupport();

    @Override
    protected ChatStorage createStorage() {
        return postgres.newStorage();
    }
}
