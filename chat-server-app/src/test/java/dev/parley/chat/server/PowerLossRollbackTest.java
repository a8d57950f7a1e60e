package dev.parley.chat.server;

import static dev.parley.chat.server.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client sees after the store lost acknowledged commits, as SQLite with {@code synchronous=NORMAL} may after a
 * power loss. Simulated with files: the database is copied at a point, more messages are acknowledged, the copy is
 * put back and the server restarted. A client whose position is beyond the store's end is told
 * {@code resync_required}, over REST and the socket, instead of being served changes that are not the ones it saw.
 */
class PowerLossRollbackTest {
    private static final List<String> FILES = List.of("parley.db", "parley.db-wal", "parley.db-shm");

    @TempDir
    Path dir;
    @TempDir
    Path saved;

    @Test
    void aClientAheadOfARolledBackStoreIsToldToResync() throws Exception {
        String token;
        long before;
        try (ParleyServer server = TestClient.startServer(dir)) {
            TestClient client = new TestClient(server.uri());
            token = client.signUp("alice");
            post(client, token, "kept 1");
            before = client.changesPosition(token, "general");
        }
        copy(dir, saved); // the state a power loss rolls back to

        long after;
        try (ParleyServer server = TestClient.startServer(dir)) {
            TestClient client = new TestClient(server.uri());
            post(client, token, "lost 2");
            post(client, token, "lost 3");
            after = client.changesPosition(token, "general");
        }
        assertThat(after).isGreaterThan(before);
        copy(saved, dir); // the power loss

        try (ParleyServer server = TestClient.startServer(dir)) {
            TestClient client = new TestClient(server.uri());
            assertThat(client.changesPosition(token, "general")).isEqualTo(before);
            RestApiTest.assertProblem(client.get("/api/rooms/general/changes?after=" + after, token), 409,
                    "resync_required");
            try (TestSocket socket = TestSocket.authenticated(server.uri(), token)) {
                socket.send(json("type", "resume", "room", "general", "afterChange", after, "ref", "r1"));
                JsonObject error = socket.await("error");
                assertThat(error.getString("code")).isEqualTo("resync_required");
                assertThat(error.getString("room")).isEqualTo("general");
            }
            // A client that had seen only what survived resumes normally.
            assertThat(client.get("/api/rooms/general/changes?after=" + before, token).status()).isEqualTo(200);
        }
    }

    private static void post(TestClient client, String token, String body) {
        assertThat(client.post("/api/messages", token, json("room", "general", "body", body)).status())
                .isEqualTo(201);
    }

    /** The database with its WAL and index files, as they are on disk (a missing one is removed at the target). */
    private static void copy(Path from, Path to) throws IOException {
        for (String name : FILES) {
            Path source = from.resolve(name);
            if (Files.exists(source)) {
                Files.copy(source, to.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.deleteIfExists(to.resolve(name));
            }
        }
    }
}
