package dev.parley.chat.server;

import static dev.parley.chat.server.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.JsonObject;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start, stop and restart against the same SQLite file. */
class LifecycleTest {
    @TempDir
    Path dir;

    @Test
    void historySurvivesARestartOnTheSameDatabaseFile() throws Exception {
        String token;
        try (ParleyServer first = TestClient.startServer(dir)) {
            TestClient c = new TestClient(first.uri());
            token = c.signUp("hal");
            for (int i = 1; i <= 3; i++) {
                assertThat(c.post("/api/messages", token, json("room", "general", "body", "kept " + i)).status())
                        .isEqualTo(201);
            }
        }
        assertThat(Files.exists(dir.resolve("parley.db"))).isTrue();
        try (ParleyServer second = TestClient.startServer(dir)) {
            TestClient c = new TestClient(second.uri());
            // the session survives too: it lives in the database
            JsonObject page = c.get("/api/messages?room=general", token).json();
            assertThat(page.getJsonArray("messages").getValuesAs(JsonObject.class))
                    .extracting(m -> m.getString("body")).containsExactly("kept 1", "kept 2", "kept 3");
            assertThat(c.login("hal")).isNotBlank();
        }
    }

    @Test
    void closingTheServerClosesSocketsWithGoingAwayAndStopsListening() throws Exception {
        ParleyServer server = TestClient.startServer(dir);
        TestClient c = new TestClient(server.uri());
        String token = c.signUp("ivy");
        int port = server.port();
        TestSocket socket = TestSocket.authenticated(server.uri(), token);
        server.close();
        assertThat(socket.awaitClose()).isEqualTo(1001);
        socket.close();
        server.close(); // idempotent
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/health")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
    }

    @Test
    void aPortInUseFailsTheStartAndReleasesTheDatabase(@TempDir Path otherDir) throws Exception {
        try (ParleyServer running = TestClient.startServer(dir)) {
            ParleyServer second = new ParleyServer(ServerConfig.fromEnvironment(java.util.Map.of(
                    "PARLEY_PORT", Integer.toString(running.port()),
                    "PARLEY_DB_URL", "jdbc:sqlite:" + otherDir.resolve("parley.db"))));
            assertThatThrownBy(second::start).isInstanceOf(java.io.IOException.class);
            second.close();
            // the failed server let go of its database: another server can open it
            try (ParleyServer third = TestClient.startServer(otherDir)) {
                assertThat(new TestClient(third.uri()).get("/health", null).status()).isEqualTo(200);
            }
        }
    }

    @Test
    void aServerCannotBeStartedTwice() throws Exception {
        try (ParleyServer server = TestClient.startServer(dir)) {
            assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
        }
    }
}
