package dev.parley.chat.store.jooq;

import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.testkit.RoomStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The room store contract on PostgreSQL (a fresh schema per test). */
class PostgresRoomStoreTest extends RoomStoreContract {
    @RegisterExtension
    final PostgresSupport postgres = new PostgresSupport();

    @Override
    protected ChatStorage createStorage() {
        return postgres.newStorage();
    }
}
