package dev.parley.chat.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The presence registry on PostgreSQL (a fresh schema per test), where its tables are UNLOGGED. */
class PostgresPresenceRegistryTest extends PresenceRegistryTest {
    @RegisterExtension
    final PostgresSupport postgres = new PostgresSupport();

    private String url;

    @Override
    JooqChatStorage newStorage() {
        url = postgres.newSchemaUrl();
        return JooqChatStorage.postgres(url);
    }

    @Override
    JooqChatStorage reopen() {
        return JooqChatStorage.postgres(url);
    }

    @Override
    Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    @Test
    void presenceTablesAreUnlogged() throws SQLException {
        assertThat(count("SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = current_schema() AND c.relname IN ('presence', 'nodes')"
                + " AND c.relpersistence = 'u'")).isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = current_schema() AND c.relname = 'messages'"
                + " AND c.relpersistence = 'p'")).isEqualTo(1);
    }
}
