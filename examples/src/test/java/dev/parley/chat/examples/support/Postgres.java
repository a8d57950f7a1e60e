package dev.parley.chat.examples.support;

import dev.parley.chat.testkit.RequiredService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A fresh PostgreSQL schema per test, on the server at system property {@code parley.test.postgres.url}. When the
 * server cannot be reached the test is skipped with the reason, except under {@code CI=true}, where it fails.
 */
public final class Postgres implements AutoCloseable {
    public static final String URL = System.getProperty("parley.test.postgres.url",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private final String schema;

    private Postgres(String schema) {
        this.schema = schema;
    }

    /** Creates an empty schema (skipping or failing the test if PostgreSQL is unreachable). */
    public static Postgres freshSchema() {
        String schema = "parley_ex_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16)
                .toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA \"" + schema + "\"");
        } catch (SQLException e) {
            RequiredService.unavailable("PostgreSQL not reachable at " + URL + ": " + e.getMessage());
        }
        return new Postgres(schema);
    }

    /** A JDBC URL whose {@code search_path} is the fresh schema. */
    public String url() {
        return URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** Drops the schema. */
    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
        }
    }
}
