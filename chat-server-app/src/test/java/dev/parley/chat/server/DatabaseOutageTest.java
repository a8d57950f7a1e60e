package dev.parley.chat.server;

import static dev.parley.chat.server.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.server.TestClient.Reply;
import dev.parley.chat.testkit.RequiredService;
import dev.parley.chat.testkit.TcpProxy;
import jakarta.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server on a real PostgreSQL that becomes unreachable: the test cuts a {@link TcpProxy} between them. Sends
 * over REST and the socket, and readiness, fail within seconds with {@code storage_unavailable} and "the database is
 * unreachable"; liveness stays 200; everything works again when the database is back. Needs the PostgreSQL at
 * {@code parley.test.postgres.url}; skipped without it, except on CI ({@code CI=true}), where it fails.
 */
class DatabaseOutageTest {
    static final String URL = System.getProperty("parley.test.postgres.url",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    /** Generous against the 2-second timeouts set below (a bound on a failure path, not a performance figure). */
    static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private final String schema = "parley_outage_" + UUID.randomUUID().toString().replace("-", "")
            .substring(0, 12).toLowerCase(Locale.ROOT);
    private TcpProxy proxy;
    private ParleyServer server;

    @BeforeEach
    void start() throws Exception {
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA \"" + schema + "\"");
        } catch (SQLException e) {
            RequiredService.unavailable("PostgreSQL not reachable at " + URL + ": " + e.getMessage());
        }
        URI db = URI.create(URL.substring("jdbc:".length()));
        proxy = TcpProxy.to(db.getHost(), db.getPort());
        String proxied = URL.replace("//" + db.getHost() + ":" + db.getPort() + "/", "//127.0.0.1:" + proxy.port() + "/")
                + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        server = TestClient.startServer(dir, "PARLEY_DB_URL", proxied,
                "PARLEY_DB_CONNECT_TIMEOUT", "PT2S", "PARLEY_DB_SOCKET_TIMEOUT", "PT2S");
    }

    @AfterEach
    void stop() throws SQLException {
        if (server != null) {
            server.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
        }
    }

    @Test
    void sendsAndReadinessFailWithinSecondsWhileTheDatabaseIsUnreachableAndWorkAgainAfter() throws Exception {
        TestClient client = new TestClient(server.uri());
        String token = client.signUp("alice");
        assertThat(client.post("/api/messages", token, json("room", "general", "body", "before")).status())
                .isEqualTo(201);
        assertThat(client.get("/health/ready", null).status()).isEqualTo(200);

        try (TestSocket socket = TestSocket.authenticated(server.uri(), token)) {
            proxy.cut();

            assertUnreachable(HealthTest.withinBound(
                    () -> client.post("/api/messages", token, json("room", "general", "body", "during"))));
            assertUnreachable(HealthTest.notReadyWithinBound(client));
            assertUnreachable(client.get("/health", null));
            assertThat(client.get("/health/live", null).status()).isEqualTo(200);

            socket.send(json("type", "send", "room", "general", "body", "during", "ref", "s1"));
            JsonObject error = socket.await("error"); // waits 10 s at most
            assertThat(error.getString("code")).isEqualTo("storage_unavailable");
            assertThat(error.getString("message")).isEqualTo("the database is unreachable");
        }

        proxy.restore();
        assertThat(HealthTest.eventuallyReady(client)).isEqualTo(200);
        assertThat(client.post("/api/messages", token, json("room", "general", "body", "after")).status())
                .isEqualTo(201);
    }

    private static void assertUnreachable(Reply reply) {
        RestApiTest.assertProblem(reply, 503, "storage_unavailable");
        assertThat(reply.json().getString("detail")).isEqualTo("the database is unreachable");
        assertThat(reply.header("Retry-After")).isPresent();
    }
}
