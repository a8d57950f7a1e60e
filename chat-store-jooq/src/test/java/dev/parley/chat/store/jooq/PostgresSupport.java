package dev.parley.chat.store.jooq;


import dev.parley.chat.testkit.RequiredService;
import dev.parley.chat.testkit.TcpProxy;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives each test its own PostgreSQL schema. The server is the one at system property
 * {@code parley.test.postgres.url}. If it cannot be reached the test is skipped with the reason, except when the
 * environment variable {@code CI} is {@code true}: then it fails, so that CI never passes without these tests.
 *
 * <p>Register as {@code @RegisterExtension static final PostgresSupport PG = new PostgresSupport();}. Schemas made by
 * {@link #newSchemaUrl()} are dropped after each test (after the test's own {@code @AfterEach} methods, which close
 * the storage).
 */
final class PostgresSupport implements BeforeEachCallback, AfterEachCallback {
    static final String URL = System.getProperty("parley.test.postgres.url",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");


    private final List<String> schemas = new ArrayList<>();

    @Override
    public void beforeEach(ExtensionContext context) {
        requireServer();
    }

    @Override
    public void afterEach(ExtensionContext context) throws SQLException {
        List<String> toDrop;
        synchronized (schemas) {
            toDrop = new ArrayList<>(schemas);
            schemas.clear();
        }
        if (toDrop.isEmpty()) {
            return;
        }
        try (Connection connection = DriverManager.getConnection(URL);
                Statement statement = connection.createStatement()) {
            for (String schema : toDrop) {
                statement.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
            }
        }
    }

    private static final RequiredService SERVER = new RequiredService("PostgreSQL", URL, () -> {
        try (Connection connection = DriverManager.getConnection(URL)) {
            connection.isValid(5);
        }
    });

    /** Skips (or, on CI, fails) the current test if the server is not reachable. */
    static void requireServer() {
        SERVER.require();
    }

    /** Creates a fresh empty schema, dropped after the test, and returns a JDBC URL whose search_path is it. */
    String newSchemaUrl() {
        String schema = "parley_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16)
                .toLowerCase(Locale.ROOT);
        try (Connection connection = DriverManager.getConnection(URL);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA \"" + schema + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test schema", e);
        }
        synchronized (schemas) {
            schemas.add(schema);
        }
        return URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /**
     * Starts a {@link TcpProxy} to the test server; {@link #throughProxy} turns a URL from {@link #newSchemaUrl()}
     * into one that connects through it.
     */
    static TcpProxy proxy() {
        URI server = URI.create(URL.substring("jdbc:".length()));
        return TcpProxy.to(server.getHost(), server.getPort());
    }

    /** The same URL with its host and port replaced by the proxy's. */
    static String throughProxy(String url, TcpProxy proxy) {
        URI server = URI.create(URL.substring("jdbc:".length()));
        return url.replace("//" + server.getHost() + ":" + server.getPort() + "/",
                "//127.0.0.1:" + proxy.port() + "/");
    }

    /** A storage on a fresh schema. */
    JooqChatStorage newStorage() {
        return JooqChatStorage.postgres(newSchemaUrl());
    }
}
