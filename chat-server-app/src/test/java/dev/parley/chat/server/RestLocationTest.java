package dev.parley.chat.server;

import static dev.parley.chat.server.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.server.TestClient.Reply;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every 201 carries a {@code Location} that can be followed; {@code /api/version}; the served API document. */
class RestLocationTest {
    @TempDir
    static Path dir;

    static ParleyServer server;
    static TestClient client;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        server = TestClient.startServer(dir);
        client = new TestClient(server.uri());
        token = client.signUp("dora");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void registeringPointsAtTheNewUser() {
        Reply registered = client.post("/api/register", null, json("username", "Ezra.B", "password", "s3cret pass"));
        assertThat(registered.status()).isEqualTo(201);
        assertThat(registered.header("Location")).contains("/api/users/Ezra.B");

        Reply user = client.get(registered.header("Location").orElseThrow(), token);
        assertThat(user.status()).isEqualTo(200);
        assertThat(user.json()).isEqualTo(registered.json());
        // looked up as for login
        assertThat(client.get("/api/users/ezra.b", token).json()).isEqualTo(registered.json());
        RestApiTest.assertProblem(client.get("/api/users/nobody-here", token), 404, "user_not_found");
        RestApiTest.assertProblem(client.get("/api/users/Ezra.B", null), 401, "invalid_token");
    }

    @Test
    void creatingARoomPointsAtTheRoom() {
        Reply created = client.post("/api/rooms", token, json("name", "Lobby-2"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).contains("/api/rooms/lobby-2");
        Reply room = client.get(created.header("Location").orElseThrow(), token);
        assertThat(room.status()).isEqualTo(200);
        assertThat(room.json()).isEqualTo(created.json());
    }

    @Test
    void sendingPointsAtTheHistoryPageThatHoldsExactlyTheMessage() {
        for (int i = 0; i < 3; i++) {
            client.post("/api/messages", token, json("room", "general", "body", "before " + i));
        }
        Reply sent = client.post("/api/messages", token, json("room", "general", "body", "find me", "clientMsgId", "l-1"));
        assertThat(sent.status()).isEqualTo(201);
        JsonObject message = sent.json().getJsonObject("message");
        long seq = message.getJsonNumber("seq").longValue();
        assertThat(sent.header("Location")).contains("/api/messages?room=general&after=" + (seq - 1) + "&limit=1");
        client.post("/api/messages", token, json("room", "general", "body", "after"));

        Reply page = client.get(sent.header("Location").orElseThrow(), token);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.json().getJsonArray("messages")).containsExactly(message);

        // a retry answers 201 with the original, and the same Location
        Reply retry = client.post("/api/messages", token, json("room", "general", "body", "find me", "clientMsgId", "l-1"));
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.header("Location")).isEqualTo(sent.header("Location"));
    }

    @Test
    void aDirectRoomsLocationIsEncoded() {
        client.signUp("finn");
        String room = client.post("/api/direct", token, json("username", "finn")).json().getString("name");
        Reply sent = client.post("/api/messages", token, json("room", room, "body", "hi"));
        assertThat(sent.header("Location").orElseThrow()).startsWith("/api/messages?room=dm%3A");
        assertThat(client.get(sent.header("Location").orElseThrow(), token).json().getJsonArray("messages"))
                .containsExactly(sent.json().getJsonObject("message"));
    }

    @Test
    void theVersionIsPublic() {
        Reply version = client.get("/api/version", null);
        assertThat(version.status()).isEqualTo(200);
        assertThat(version.contentType()).startsWith("application/json");
        BuildInfo build = BuildInfo.current();
        assertThat(version.json()).isEqualTo(TestClient.JSON.createObjectBuilder()
                .add("version", build.version()).add("commit", build.commit()).build());
        assertThat(build.version()).isNotEqualTo(BuildInfo.UNKNOWN);
    }

    @Test
    void theServedApiDocumentIsTheFileByteForByte() throws Exception {
        byte[] file = Files.readAllBytes(Path.of("..", "docs", "openapi.yaml"));
        HttpResponse<byte[]> served = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(server.uri().resolve("/openapi.yaml")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo(file);
    }
}
