package dev.parley.chat.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.User;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The schema upgrade on PostgreSQL (a fresh schema per test), and what it means for nodes not yet upgraded. */
class PostgresSchemaUpgradeTest extends SchemaUpgradeTest {
    private static final String NOT_NULL_VIOLATION = "23502";

    @RegisterExtension
    final PostgresSupport postgres = new PostgresSupport();

    @Override
    String newDatabaseUrl() {
        return postgres.newSchemaUrl();
    }

    @Override
    JooqChatStorage open(String url) {
        return JooqChatStorage.postgres(url);
    }

    /**
     * During a rolling upgrade a node of the first release would store its messages with change 0, which no reader
     * accepts; the column has no default on PostgreSQL, so such an append fails and stores nothing.
     */
    @Test
    void anAppendByAFirstReleaseNodeIsRejectedByTheUpgradedSchema() throws Exception {
        String url = newDatabaseUrl();
        try (JooqChatStorage storage = open(url)) {
            Room room = TestData.room(storage, "general");
            User alice = TestData.user(storage, "alice");
            try (Connection connection = DriverManager.getConnection(url)) {
                connection.setAutoCommit(false);
                SQLException e = catchThrowableOfType(SQLException.class,
                        () -> new FirstReleaseWriter(connection).post(room.id(), alice.id(), "hi", null, T));
                assertThat(e.getSQLState()).isEqualTo(NOT_NULL_VIOLATION);
                connection.rollback();
            }
            assertThat(storage.messages().position(room.id())).isEqualTo(RoomPosition.EMPTY);
            assertThat(storage.messages().append(TestData.message(room, alice, "hi", null)).message().change())
                    .isEqualTo(1);
        }
    }
}
